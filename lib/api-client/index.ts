import createClient from "openapi-fetch";
import type { paths } from "./openapi-types";

// A typed client of /api/v1 from the OpenAPI document (types: `npm run openapi:types`, checked in CI by
// `npm run openapi:check`): what a customer would generate and use; the contract tests call the API through it.

export type { paths } from "./openapi-types";

export function createBillrunClient(options: { baseUrl: string; apiKey?: string; fetch?: (request: Request) => Promise<Response> }) {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export type BillrunClient = ReturnType<typeof createBillrunClient>;
