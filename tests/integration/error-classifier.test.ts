import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { sql } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { errorDataOf, errorMessage } from "@/lib/error-data";
import { createBillingRun } from "@/server/api/routes/billing-runs";
import { log } from "@/server/log";
import {
  CONCURRENT_CHANGE_MESSAGE,
  classifyError,
  FINAL_RECORD_MESSAGE,
  INTERNAL_ERROR_MESSAGE,
  MALFORMED_VALUE_MESSAGE,
} from "@/server/error-classifier";
import { appRouter, type AppRouter } from "@/server/trpc/routers/_app";
import { callerFor } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, tenantWithKey } from "./api-support";

// The same database failure inside the same service (createRun) must answer alike on both transports: the dashboard's
// tRPC and the REST API share one classifier (server/error-classifier.ts). Failures are real database errors, raised
// by a trigger this file installs on billing_runs for one tenant, so they travel driver → drizzle → service → transport.

let database: TestDatabase;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase();
  await db().execute(sql`CREATE TABLE test_injected_faults (tenant_id text PRIMARY KEY, sqlstate text NOT NULL)`);
  await db().execute(sql`CREATE TABLE test_checked_values (n integer CONSTRAINT test_checked_values_positive CHECK (n > 0))`);
  await db().execute(sql.raw(`
    CREATE FUNCTION test_inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      state text;
    BEGIN
      SELECT sqlstate INTO state FROM test_injected_faults WHERE tenant_id = NEW.tenant_id;
      IF state = 'real-unique-violation' THEN
        -- a genuine 23505 (with its constraint name), as a lost insert race raises it
        INSERT INTO test_injected_faults (tenant_id, sqlstate) VALUES (NEW.tenant_id, 'duplicate');
      ELSIF state IS NOT NULL THEN
        RAISE EXCEPTION 'injected fault % for tenant %', state, NEW.tenant_id USING ERRCODE = state;
      END IF;
      RETURN NEW;
    END $$`));
  await db().execute(sql`CREATE TRIGGER test_inject_fault BEFORE INSERT ON billing_runs FOR EACH ROW EXECUTE FUNCTION test_inject_fault()`);
});
afterAll(() => database?.close());
afterEach(() => vi.restoreAllMocks());

async function tenantFailingWith(sqlstate: string) {
  const t = await tenantWithKey(db());
  await db().execute(sql`INSERT INTO test_injected_faults (tenant_id, sqlstate) VALUES (${t.tenantId}, ${sqlstate})`);
  return t;
}

type Tenant = Awaited<ReturnType<typeof tenantWithKey>>;
const runInput = (t: Tenant) => ({ type: "CYCLE" as const, billingCycleId: t.billingCycleId, invoiceDate: "2026-11-30", cutoffDate: "2026-11-30" });

/** tRPC through the caller (what server components use): the TRPCError itself. */
async function viaCaller(t: Tenant) {
  const error = await callerFor(db(), t)
    .billingRuns.create(runInput(t))
    .then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** The app's tRPC route handler, signed in as the tenant's user. */
const trpcHandler = (t: Tenant) => (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => ({
      db: db(),
      viewer: { userId: t.userId, name: "Test user", email: "test@example.com", tenantId: t.tenantId, tenantName: "Test tenant", role: t.role },
    }),
  });

/** tRPC over HTTP, as the dashboard calls it: status and the formatted error shape (superjson envelope). */
async function viaHttp(t: Tenant) {
  const response = await trpcHandler(t)(
    new Request("http://billrun.test/api/trpc/billingRuns.create", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: runInput(t) }),
    }),
  );
  const body = (await response.json()) as { error: { json: { message: string; data: Record<string, unknown> } } };
  return { status: response.status, message: body.error.json.message, data: body.error.json.data };
}

const viaRest = (t: Tenant) => call(createBillingRun, db(), jsonRequest("POST", "/api/v1/billing-runs", { key: t.key, body: runInput(t) }));

describe("one error classifier for tRPC and REST", () => {
  it.each([
    ["a serialization failure (40001)", "40001"],
    ["a deadlock (40P01)", "40P01"],
    ["a unique violation (23505)", "real-unique-violation"],
  ])("answers %s with CONFLICT, retryable after 1 s, on both transports", async (_name, sqlstate) => {
    const t = await tenantFailingWith(sqlstate);

    const trpcError = await viaCaller(t);
    expect(trpcError.code).toBe("CONFLICT");
    expect(trpcError.message).toBe(CONCURRENT_CHANGE_MESSAGE);

    const http = await viaHttp(t);
    expect(http.status).toBe(409);
    expect(http.message).toBe(CONCURRENT_CHANGE_MESSAGE);
    expect(http.data).toMatchObject({ code: "CONFLICT", httpStatus: 409, retryable: true, retryAfterSeconds: 1, issues: [] });

    const rest = await viaRest(t);
    expect(rest.status).toBe(409);
    expect(rest.headers.get("retry-after")).toBe("1");
    expect(rest.body).toMatchObject({ code: "CONFLICT", status: 409, detail: CONCURRENT_CHANGE_MESSAGE, errors: [] });
  });

  it("reaches the dashboard's client as a TRPCClientError the shared helpers read as retryable", async () => {
    const t = await tenantFailingWith("40001");
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: "http://billrun.test/api/trpc", transformer: superjson, fetch: (url, init) => trpcHandler(t)(new Request(url, init)) })],
    });
    const error = await client.billingRuns.create.mutate(runInput(t)).then(() => null, (e: unknown) => e);
    expect(errorDataOf(error)).toEqual({ code: "CONFLICT", issues: [], retryable: true, retryAfterSeconds: 1 });
    expect(errorMessage(error)).toBe(CONCURRENT_CHANGE_MESSAGE);
  });

  it("answers a change a trigger refuses (check_violation, as for posted invoices) with CONFLICT that is not retryable", async () => {
    const t = await tenantFailingWith("23514");
    expect(await viaCaller(t)).toMatchObject({ code: "CONFLICT", message: FINAL_RECORD_MESSAGE });
    const http = await viaHttp(t);
    expect(http.status).toBe(409);
    expect(http.data).toMatchObject({ code: "CONFLICT", retryable: false });
    expect(http.data).not.toHaveProperty("retryAfterSeconds");
    const rest = await viaRest(t);
    expect(rest.status).toBe(409);
    expect(rest.headers.get("retry-after")).toBeNull();
    expect(rest.body.detail).toBe(FINAL_RECORD_MESSAGE);
  });

  it("answers a data exception (22xxx) with BAD_REQUEST on both transports", async () => {
    const t = await tenantFailingWith("22003");
    expect(await viaCaller(t)).toMatchObject({ code: "BAD_REQUEST", message: MALFORMED_VALUE_MESSAGE });
    expect(await viaHttp(t)).toMatchObject({ status: 400, message: MALFORMED_VALUE_MESSAGE, data: { code: "BAD_REQUEST", retryable: false } });
    expect((await viaRest(t)).body).toMatchObject({ status: 400, code: "BAD_REQUEST", detail: MALFORMED_VALUE_MESSAGE });
  });

  it("hides an unexpected database error behind a generic 500 on both transports, logging it on REST once", async () => {
    const t = await tenantFailingWith("XX000");
    const logged = vi.spyOn(log, "error").mockImplementation(() => {});

    const trpcError = await viaCaller(t);
    expect(trpcError.code).toBe("INTERNAL_SERVER_ERROR");
    expect(trpcError.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(String((trpcError.cause as Error).message)).toMatch(/Failed query/); // the original stays the cause, for the log
    const http = await viaHttp(t);
    expect(http).toMatchObject({ status: 500, message: INTERNAL_ERROR_MESSAGE, data: { code: "INTERNAL_SERVER_ERROR", retryable: false } });
    expect(JSON.stringify(http)).not.toMatch(/injected|billing_runs|Failed query/);

    logged.mockClear();
    const rest = await viaRest(t);
    expect(rest.status).toBe(500);
    expect(rest.body.detail).toBe(INTERNAL_ERROR_MESSAGE);
    expect(JSON.stringify(rest.body)).not.toMatch(/injected|billing_runs|Failed query/);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0][0]).toMatchObject({ err: expect.objectContaining({ message: expect.stringMatching(/Failed query/) }) });
  });

  it("keeps domain errors and TRPCErrors of procedures as they are", async () => {
    const t = await tenantWithKey(db());
    const missingCycle = { ...runInput(t), billingCycleId: "00000000-0000-4000-8000-000000000000" };
    const error = await callerFor(db(), t)
      .billingRuns.create(missingCycle)
      .then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "Billing cycle not found" });
    const viewer = await tenantWithKey(db(), "viewer");
    const refused = await callerFor(db(), { ...viewer, role: "viewer" })
      .billingRuns.create(runInput(viewer))
      .then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ code: "FORBIDDEN", message: "Your role (viewer) does not allow this action" });
  });

  it("tells a CHECK constraint (a refused value) from a trigger's check_violation by the constraint name the driver reports", async () => {
    const error = await db()
      .execute(sql`INSERT INTO test_checked_values (n) VALUES (-1)`)
      .then(() => null, (e: unknown) => e);
    expect(classifyError(error)).toMatchObject({ code: "BAD_REQUEST", message: MALFORMED_VALUE_MESSAGE });
  });
});
