import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { configureRuntime, recordingRunner } from "@/tests/support/runtime";
import { createBillingRun, processBillingRun } from "@/server/api/routes/billing-runs";
import { postRatedItems } from "@/server/api/routes/ingest";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, ratedItem, seedMasterData, tenantWithKey } from "./api-support";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ jobs: recordingRunner("inline", []) });
});
afterAll(async () => {
  configureRuntime();
  await database?.close();
});
const db = () => database.db;

const run = (billingCycleId: string) => ({ type: "CYCLE", billingCycleId, invoiceDate: "2026-11-30", cutoffDate: "2026-11-30" });
const createWithKey = (key: string, idempotencyKey: string, body: unknown, rawBody?: string) =>
  call(createBillingRun, db(), jsonRequest("POST", "/api/v1/billing-runs", { key, body, rawBody, headers: { "Idempotency-Key": idempotencyKey } }));
const runCount = async (tenantId: string) =>
  (await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM billing_runs WHERE tenant_id = ${tenantId}`))[0].n;

describe("Idempotency-Key", () => {
  it("answers the same key and body with the stored answer, creating one run", async () => {
    const t = await tenantWithKey(db());
    const first = await createWithKey(t.key, "key-1", run(t.billingCycleId));
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const second = await createWithKey(t.key, "key-1", run(t.billingCycleId));
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await runCount(t.tenantId)).toBe(1);
  });

  it("refuses the same key with another body, path or method with 422", async () => {
    const t = await tenantWithKey(db());
    await createWithKey(t.key, "key-2", run(t.billingCycleId));
    const other = await createWithKey(t.key, "key-2", { ...run(t.billingCycleId), mode: "MANUAL" });
    expect(other.status).toBe(422);
    expect(other.headers.get("content-type")).toBe("application/problem+json");
    expect(other.body).toMatchObject({ code: "UNPROCESSABLE_CONTENT", errors: [{ field: "Idempotency-Key" }] });
    const otherPath = await call(
      processBillingRun,
      db(),
      jsonRequest("POST", "/api/v1/billing-runs/x/process", { key: t.key, headers: { "Idempotency-Key": "key-2" } }),
      { id: "00000000-0000-4000-8000-000000000000" },
    );
    expect(otherPath.status).toBe(422);
    expect(await runCount(t.tenantId)).toBe(1);
  });

  it("keeps keys per tenant", async () => {
    const a = await tenantWithKey(db());
    const b = await tenantWithKey(db());
    const ra = await createWithKey(a.key, "shared", run(a.billingCycleId));
    const rb = await createWithKey(b.key, "shared", run(b.billingCycleId));
    expect(rb.status).toBe(201);
    expect(rb.body.id).not.toBe(ra.body.id);
  });

  it("does not store errors: the key can be retried once the cause is fixed", async () => {
    const t = await tenantWithKey(db());
    const bad = await createWithKey(t.key, "key-3", { ...run(t.billingCycleId), invoiceDate: "nope" });
    expect(bad.status).toBe(400);
    const badAgain = await createWithKey(t.key, "key-3", { ...run(t.billingCycleId), invoiceDate: "nope" });
    expect(badAgain.status).toBe(400);
    const fixed = await createWithKey(t.key, "key-3", run(t.billingCycleId));
    expect(fixed.status).toBe(201);
    expect(await runCount(t.tenantId)).toBe(1);
  });

  it("runs concurrent requests with one key once", async () => {
    const t = await tenantWithKey(db());
    const results = await Promise.all(Array.from({ length: 6 }, () => createWithKey(t.key, "key-4", run(t.billingCycleId))));
    const ok = results.filter((r) => r.status === 201);
    // the others either waited and got the stored answer, or were told the first is still running (409, retry)
    for (const r of results) expect([201, 409]).toContain(r.status);
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
    expect(await runCount(t.tenantId)).toBe(1);
  });

  it("works for ingest batches and refuses malformed keys", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const body = { items: [ratedItem(1), ratedItem(2)] };
    const send = (key: string) =>
      call(postRatedItems, db(), jsonRequest("POST", "/api/v1/rated-items", { key: t.key, body, headers: { "Idempotency-Key": key } }));
    const first = await send("batch-1");
    const replay = await send("batch-1");
    expect(replay.body).toEqual({ received: 2, inserted: 2, duplicates: 0 });
    expect(replay.body).toEqual(first.body);
    const tooLong = await send("x".repeat(256));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0]).toMatchObject({ field: "Idempotency-Key" });
    const spaces = await send("has spaces");
    expect(spaces.status).toBe(400);
  });

  it("lets a request take over a key whose first request never finished", async () => {
    const t = await tenantWithKey(db());
    await db().execute(
      sql`INSERT INTO idempotency_keys (tenant_id, key, request_hash, created_at) VALUES (${t.tenantId}, 'stuck', 'whatever', now() - interval '2 minutes')`,
    );
    // a different fingerprint is still a different request
    expect((await createWithKey(t.key, "stuck", run(t.billingCycleId))).status).toBe(422);
    await db().execute(sql`DELETE FROM idempotency_keys WHERE tenant_id = ${t.tenantId} AND key = 'stuck'`);
    const { requestFingerprint } = await import("@/server/api/idempotency");
    const raw = JSON.stringify(run(t.billingCycleId));
    await db().execute(
      sql`INSERT INTO idempotency_keys (tenant_id, key, request_hash, created_at)
          VALUES (${t.tenantId}, 'stuck', ${requestFingerprint("POST", "/api/v1/billing-runs", raw)}, now() - interval '2 minutes')`,
    );
    const res = await createWithKey(t.key, "stuck", undefined, raw);
    expect(res.status).toBe(201);
    // a fresh in-flight reservation is not taken over
    await db().execute(
      sql`INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES (${t.tenantId}, 'busy', ${requestFingerprint("POST", "/api/v1/billing-runs", raw)})`,
    );
    const busy = await createWithKey(t.key, "busy", undefined, raw);
    expect(busy.status).toBe(409);
    expect(busy.headers.get("retry-after")).toBe("1");
  });
});
