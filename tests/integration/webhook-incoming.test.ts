import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { configureRuntime } from "@/tests/support/runtime";
import { revokeWebhookSecret, rotateWebhookSecret } from "@/server/webhooks/secrets";
import { receiveBillingRunWebhook } from "@/server/webhooks/incoming";
import { createTenantWithUser } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { BASE, call, tableCounts } from "./api-support";

let database: TestDatabase;
const started: string[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  // Process is asked for, but the job itself is not what these tests are about.
  configureRuntime({ jobs: { name: "inline", start: async (_db, job) => void started.push(job.runId), idle: async () => {}, busy: () => false } });
});
afterAll(async () => {
  configureRuntime();
  await database?.close();
});
const db = () => database.db;

async function tenantWithSecret() {
  const tenant = await createTenantWithUser(db());
  const { secret } = await rotateWebhookSecret(db(), tenant.tenantId);
  const slug = (await queryRows<{ slug: string }>(db(), sql`SELECT slug FROM organization WHERE id = ${tenant.tenantId}`))[0].slug;
  return { ...tenant, secret, slug };
}

let counter = 0;
function signed(
  secret: string,
  payload: unknown,
  options: { tenant?: string | null; id?: string; at?: Date; raw?: string; headers?: Record<string, string> } = {},
): Request {
  const body = options.raw ?? JSON.stringify(payload);
  const id = options.id ?? `msg_${Date.now()}_${counter++}`;
  const at = options.at ?? new Date();
  const signature = new Webhook(secret).sign(id, at, body);
  const query = options.tenant === null ? "" : `?tenant=${encodeURIComponent(options.tenant ?? "")}`;
  return new Request(`${BASE}/api/webhooks/billing-runs${query}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signature,
      ...options.headers,
    },
    body,
  });
}

const cycleRun = (billingCycleId: string, extra: Record<string, unknown> = {}) => ({
  type: "CYCLE",
  billingCycleId,
  invoiceDate: "2026-11-30",
  cutoffDate: "2026-11-30",
  ...extra,
});

const send = (request: Request) => call(receiveBillingRunWebhook, db(), request);

describe("POST /api/webhooks/billing-runs", () => {
  it("creates a run and answers 202 with its id and status URL", async () => {
    const t = await tenantWithSecret();
    const res = await send(signed(t.secret, cycleRun(t.billingCycleId, { mode: "MANUAL" }), { tenant: t.slug }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ runId: expect.any(String), number: "BR-000001", status: "NEW", replayed: false });
    expect(res.body.statusUrl).toBe(`/api/v1/billing-runs/${res.body.runId}`);
    expect(res.headers.get("location")).toBe(res.body.statusUrl);
    const [run] = await queryRows<{ tenant: string; initiator: string; mode: string }>(
      db(),
      sql`SELECT tenant_id AS tenant, initiator_type AS initiator, mode FROM billing_runs WHERE id = ${res.body.runId}::uuid`,
    );
    expect(run).toEqual({ tenant: t.tenantId, initiator: "WEBHOOK", mode: "MANUAL" });
  });

  it("accepts the tenant's id as well as its slug, and processes at once when asked", async () => {
    const t = await tenantWithSecret();
    const res = await send(signed(t.secret, cycleRun(t.billingCycleId, { processNow: true }), { tenant: t.tenantId }));
    expect(res.status).toBe(202);
    expect(res.body.processing).toMatchObject({ started: true });
    expect(res.body.status).toBe("CREATING_LINES");
    expect(started).toContain(res.body.runId);
  });

  it("answers the same webhook-id with the same run, also when delivered concurrently", async () => {
    const t = await tenantWithSecret();
    const payload = cycleRun(t.billingCycleId);
    const first = await send(signed(t.secret, payload, { tenant: t.slug, id: "msg_same" }));
    const again = await send(signed(t.secret, payload, { tenant: t.slug, id: "msg_same" }));
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ runId: first.body.runId, replayed: true });
    const burst = await Promise.all(Array.from({ length: 5 }, () => send(signed(t.secret, payload, { tenant: t.slug, id: "msg_burst" }))));
    expect(new Set(burst.map((r) => r.body.runId)).size).toBe(1);
    expect(burst.filter((r) => !r.body.replayed)).toHaveLength(1);
    const [{ n }] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM billing_runs WHERE tenant_id = ${t.tenantId}`);
    expect(n).toBe(2);
  });

  it("accepts the old and the new secret while rotating, and only the new one after a revocation", async () => {
    const t = await tenantWithSecret();
    const rotated = await rotateWebhookSecret(db(), t.tenantId, { graceHours: 1 });
    expect((await send(signed(t.secret, cycleRun(t.billingCycleId), { tenant: t.slug }))).status).toBe(202);
    expect((await send(signed(rotated.secret, cycleRun(t.billingCycleId), { tenant: t.slug }))).status).toBe(202);
    const secrets = await queryRows<{ id: string }>(
      db(),
      sql`SELECT id FROM webhook_secrets WHERE tenant_id = ${t.tenantId} AND secret = ${t.secret}`,
    );
    await revokeWebhookSecret(db(), t.tenantId, { id: secrets[0].id });
    const old = await send(signed(t.secret, cycleRun(t.billingCycleId), { tenant: t.slug }));
    expect(old.status).toBe(401);
    expect((await send(signed(rotated.secret, cycleRun(t.billingCycleId), { tenant: t.slug }))).status).toBe(202);
  });

  describe("refusals create nothing", () => {
    it.each([
      ["a bad signature", 401, /matches none of the tenant's valid secrets/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) =>
        signed("whsec_" + Buffer.from("another secret of 32 bytes!!!!!!").toString("base64"), cycleRun(t.billingCycleId), { tenant: t.slug })],
      ["a timestamp 6 minutes old", 401, /more than 5 minutes old/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) =>
        signed(t.secret, cycleRun(t.billingCycleId), { tenant: t.slug, at: new Date(Date.now() - 6 * 60_000) })],
      ["a timestamp 6 minutes ahead", 401, /in the future/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) =>
        signed(t.secret, cycleRun(t.billingCycleId), { tenant: t.slug, at: new Date(Date.now() + 6 * 60_000) })],
      ["a non-numeric timestamp", 401, /Unix seconds/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) =>
        signed(t.secret, cycleRun(t.billingCycleId), { tenant: t.slug, headers: { "webhook-timestamp": "yesterday" } })],
      ["missing signature headers", 401, /Missing Standard Webhooks header: webhook-signature/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) =>
        signed(t.secret, cycleRun(t.billingCycleId), { tenant: t.slug, headers: { "webhook-signature": "" } })],
      ["a body changed after signing", 401, /matches none/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) => {
        const req = signed(t.secret, cycleRun(t.billingCycleId), { tenant: t.slug });
        return new Request(req.url, { method: "POST", headers: req.headers, body: JSON.stringify(cycleRun(t.billingCycleId, { mode: "AUTO_POST" })) });
      }],
      ["an unknown tenant", 401, /no valid webhook secret for this tenant/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) =>
        signed(t.secret, cycleRun(t.billingCycleId), { tenant: "no-such-tenant" })],
      ["no tenant parameter", 400, /`tenant` query parameter/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) =>
        signed(t.secret, cycleRun(t.billingCycleId), { tenant: null })],
      ["a body that is not JSON", 400, /not valid JSON/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) =>
        signed(t.secret, null, { tenant: t.slug, raw: "{type: CYCLE" })],
      ["an unknown billing cycle", 400, /Billing cycle not found/, (t: Awaited<ReturnType<typeof tenantWithSecret>>) =>
        signed(t.secret, cycleRun("00000000-0000-4000-8000-000000000000"), { tenant: t.slug })],
    ])("refuses %s with %i", async (_name, status, detail, build) => {
      const t = await tenantWithSecret();
      const before = await tableCounts(db());
      const res = await send(build(t));
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body.detail).toMatch(detail);
      expect(await tableCounts(db())).toEqual(before);
    });

    it("refuses a malformed run with 400 and field errors", async () => {
      const t = await tenantWithSecret();
      const before = await tableCounts(db());
      const res = await send(
        signed(t.secret, { type: "CYCLE", invoiceDate: "2026-13-01", cutoffDate: "tomorrow", mode: "FAST", processNow: "yes" }, { tenant: t.slug }),
      );
      expect(res.status).toBe(400);
      const fields = [...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort();
      expect(fields).toEqual(["cutoffDate", "invoiceDate", "mode", "processNow"]);
      expect(await tableCounts(db())).toEqual(before);
      const exceptional = await send(signed(t.secret, { type: "EXCEPTIONAL", invoiceDate: "2026-11-30", cutoffDate: "2026-11-30" }, { tenant: t.slug }));
      expect(exceptional.status).toBe(400);
      expect(exceptional.body.errors).toEqual([{ field: "filter", message: expect.stringMatching(/at least one filter/) }]);
    });

    it("refuses a replay with a fresh id but an old timestamp (and never stores it)", async () => {
      const t = await tenantWithSecret();
      const first = await send(signed(t.secret, cycleRun(t.billingCycleId), { tenant: t.slug, id: "msg_old", at: new Date(Date.now() - 10 * 60_000) }));
      expect(first.status).toBe(401);
      const [{ n }] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM webhook_inbox WHERE tenant_id = ${t.tenantId}`);
      expect(n).toBe(0);
    });

    it("refuses a message signed with another tenant's secret", async () => {
      const a = await tenantWithSecret();
      const b = await tenantWithSecret();
      const before = await tableCounts(db());
      const res = await send(signed(a.secret, cycleRun(b.billingCycleId), { tenant: b.slug }));
      expect(res.status).toBe(401);
      expect(res.body.detail).toMatch(/matches none of the tenant's valid secrets/);
      expect(await tableCounts(db())).toEqual(before);
    });

    it("refuses a tenant without a valid secret", async () => {
      const t = await createTenantWithUser(db());
      const res = await send(signed("whsec_" + Buffer.from("x".repeat(32)).toString("base64"), cycleRun(t.billingCycleId), { tenant: t.tenantId }));
      expect(res.status).toBe(401);
      expect(res.body.detail).toMatch(/no valid webhook secret/);
    });
  });
});
