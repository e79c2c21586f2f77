import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { createApiKey, type ApiKeyRole } from "@/server/api/api-keys";
import type { ApiHandler } from "@/server/api/endpoint";
import { createTenantWithUser } from "@/tests/support/factories";

// Helpers for the REST integration tests: real Request objects into the route handlers' functions.

export const BASE = "http://billrun.test";

export async function tenantWithKey(db: Db, role: ApiKeyRole = "operator") {
  const tenant = await createTenantWithUser(db, { role: "owner" });
  const { key, id } = await createApiKey(db, tenant.tenantId, { name: "test", role }, tenant.userId);
  return { ...tenant, key, apiKeyId: id };
}

export function jsonRequest(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  return new Request(BASE + path, { method, headers, body });
}

export async function call(handler: ApiHandler, db: Db, request: Request, params?: Record<string, string>) {
  const response = await handler(db, request, params);
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of many shapes, checked by the tests
  let body: any = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

/** Row counts of every table an API request could write to, to prove a refusal stored nothing. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = [
    "rated_items",
    "customer_accounts",
    "subscriptions",
    "charges",
    "billing_runs",
    "webhook_inbox",
    "idempotency_keys",
    "invoices",
    "job_executions",
  ];
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql.raw(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(", ")}`),
  );
  return row;
}

/** Master data for ingest tests: charges, accounts (ACC-1…n) with one subscription each (SUB-1…n). */
export async function seedMasterData(db: Db, tenantId: string, accounts = 3, billingCycleId?: string) {
  const { upsertAccounts, upsertCharges, upsertSubscriptions } = await import("@/server/api/ingest/master-data");
  await upsertCharges(db, tenantId, {
    charges: [
      { code: "API-CALLS", label: "API calls", type: "USAGE", vatCategory: "S", vatRate: "19.00" },
      { code: "PLAN", label: "Plan", type: "RECURRING", vatCategory: "S", vatRate: "19.00" },
    ],
  });
  await upsertAccounts(db, tenantId, {
    accounts: Array.from({ length: accounts }, (_, i) => ({
      externalId: `ACC-${i + 1}`,
      name: `Customer ${i + 1}`,
      currency: "EUR",
      country: "DE",
      addressLine: "Main street 1",
      city: "Berlin",
      postalCode: "10115",
      billingCycleId,
    })),
  });
  await upsertSubscriptions(db, tenantId, {
    subscriptions: Array.from({ length: accounts }, (_, i) => ({
      externalId: `SUB-${i + 1}`,
      accountExternalId: `ACC-${i + 1}`,
      name: "Pro",
      startDate: "2026-01-01",
    })),
  });
}

export { ratedItem } from "./api-fuzz-cases";
