import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { configureRuntime, recordingRunner } from "@/tests/support/runtime";
import { postRatedItems } from "@/server/api/routes/ingest";
import { receiveBillingRunWebhook } from "@/server/webhooks/incoming";
import { rotateWebhookSecret } from "@/server/webhooks/secrets";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { ingestCase, rng, runCase } from "./api-fuzz-cases";
import { BASE, call, jsonRequest, seedMasterData, tableCounts, tenantWithKey } from "./api-support";

// Generated malformed payloads against ingest and the run webhook: every one must get a 4xx problem with a
// specific message, none a 5xx, and the database must not change.

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

function expectSpecificProblem(res: Awaited<ReturnType<typeof call>>, label: string) {
  const context = `${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  expect(res.status, context).toBeGreaterThanOrEqual(400);
  expect(res.status, context).toBeLessThan(500);
  expect(res.headers.get("content-type"), context).toBe("application/problem+json");
  expect(typeof res.body.detail, context).toBe("string");
  expect(res.body.detail.length, context).toBeGreaterThan(5);
  expect(res.body.detail, context).not.toMatch(/^Invalid input$|out of range or malformed|Something went wrong/);
  if (res.status === 400) {
    expect(res.body.errors.length, context).toBeGreaterThan(0);
    for (const e of res.body.errors) {
      expect(typeof e.field, context).toBe("string");
      expect(e.message.length, context).toBeGreaterThan(3);
    }
  }
}

describe("fuzz", () => {
  it("answers 700 malformed ingest batches with specific 4xx problems and stores nothing", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const before = await tableCounts(db());
    const r = rng(20261130);
    const statuses = new Map<number, number>();
    for (let n = 0; n < 700; n++) {
      const c = ingestCase(r, n);
      const req = jsonRequest("POST", "/api/v1/rated-items", {
        key: t.key,
        body: c.raw === undefined ? c.body : undefined,
        rawBody: c.raw,
        headers: c.contentType ? { "content-type": c.contentType } : {},
      });
      const res = await call(postRatedItems, db(), req);
      expectSpecificProblem(res, `ingest case ${n}`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect(await tableCounts(db())).toEqual(before);
    expect(statuses.get(400)).toBeGreaterThan(600);
  }, 120_000);

  it("answers 400 malformed or badly signed webhooks with specific 4xx problems and creates nothing", async () => {
    const t = await tenantWithKey(db());
    const { secret } = await rotateWebhookSecret(db(), t.tenantId);
    const slug = (await queryRows<{ slug: string }>(db(), sql`SELECT slug FROM organization WHERE id = ${t.tenantId}`))[0].slug;
    const before = await tableCounts(db());
    const r = rng(42);
    for (let n = 0; n < 400; n++) {
      const c = runCase(r, t.billingCycleId);
      const body = c.raw ?? JSON.stringify(c.body);
      const id = `fuzz_${n}`;
      let at = new Date();
      let signature = new Webhook(secret).sign(id, at, body);
      const signatureFault = r.next();
      if (signatureFault < 0.08) signature = signature.slice(0, -4) + "AAA=";
      else if (signatureFault < 0.12) at = new Date(Date.now() - 3600_000);
      else if (signatureFault < 0.14) signature = "v2," + signature.slice(3);
      const req = new Request(`${BASE}/api/webhooks/billing-runs?tenant=${slug}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
          "webhook-signature": signature,
        },
        body,
      });
      const res = await call(receiveBillingRunWebhook, db(), req);
      expectSpecificProblem(res, `webhook case ${n} ${body.slice(0, 200)}`);
    }
    expect(await tableCounts(db())).toEqual(before);
  }, 120_000);
});
