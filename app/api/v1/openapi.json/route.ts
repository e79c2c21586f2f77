import { buildOpenApiDocument } from "@/server/api/openapi";

// Public: the OpenAPI 3.1 document of the REST API, generated from the shared zod schemas.
export const GET = () =>
  Response.json(buildOpenApiDocument(), { headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" } });
