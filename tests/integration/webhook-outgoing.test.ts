import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InngestTestEngine } from "@inngest/test";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createSweepOutboxFunction } from "@/inngest/functions/sweep-outbox";
import { fanOutWebhooks } from "@/server/outbox/consumers";
import { attemptDelivery, enqueueWebhookEvent, type WebhookMessage } from "@/server/webhooks/outgoing";
import { configureRuntime, waitForInlineJobs } from "@/tests/support/runtime";
import { callerFor, createTenantWithUser } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { ratedItem, seedMasterData } from "./api-support";

// Outgoing webhooks against a real local HTTP receiver: signed deliveries, recorded attempts, retries, 410.

type Received = { headers: IncomingHttpHeaders; body: string };
let database: TestDatabase;
let server: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Status the receiver answers next (then 204). */
const answers: number[] = [];
/** The messages stored for delivery to a tenant's endpoints (the outbox's sweeper is off: nothing is sent by itself). */
async function dispatchedTo(tenantId: string): Promise<WebhookMessage[]> {
  return queryRows<WebhookMessage>(
    db(),
    sql`SELECT tenant_id AS "tenantId", endpoint_id AS "endpointId", message_id AS "messageId", event_type AS type, data
        FROM webhook_messages WHERE tenant_id = ${tenantId}`,
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ outbox: "off" });
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      if (req.url === "/slow") return void setTimeout(() => res.end(), 2_000);
      res.statusCode = answers.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await waitForInlineJobs();
  server?.close();
  await database?.close();
});
const db = () => database.db;

async function admin() {
  const member = await createTenantWithUser(db(), { role: "admin" });
  return { ...member, caller: callerFor(db(), member) };
}

describe("webhook endpoints (settings router)", () => {
  it("lets admins create, update and delete endpoints and refuses other roles", async () => {
    const a = await admin();
    const created = await a.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/hook`, events: ["billing_run.posted"] });
    expect(created.secret).toMatch(/^whsec_/);
    const list = await a.caller.settings.webhookEndpoints.list();
    expect(list).toEqual([expect.objectContaining({ id: created.id, events: ["billing_run.posted"], enabled: true, secretPrefix: created.secret.slice(0, 12) })]);
    expect(JSON.stringify(list)).not.toContain(created.secret);
    await expect(a.caller.settings.webhookEndpoints.create({ url: "ftp://example.com", events: [] })).rejects.toThrow(/http\(s\) URL/);
    await expect(a.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/x`, events: ["run.done" as never] })).rejects.toThrow(/must be one of/);

    const operator = callerFor(db(), { ...a, role: "operator" });
    await expect(operator.settings.webhookEndpoints.create({ url: `${receiverUrl}/x` })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await operator.settings.webhookEndpoints.list()).toHaveLength(1);

    const other = await admin();
    await expect(other.caller.settings.webhookEndpoints.delete({ id: created.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(other.caller.settings.webhookEndpoints.deliveries({ endpointId: created.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await a.caller.settings.webhookEndpoints.update({ id: created.id, enabled: false });
    expect((await a.caller.settings.webhookEndpoints.list())[0]).toMatchObject({ enabled: false, disabledReason: "disabled by an administrator" });
    await a.caller.settings.webhookEndpoints.delete({ id: created.id });
    expect(await a.caller.settings.webhookEndpoints.list()).toEqual([]);
  });
});

describe("enqueueWebhookEvent", () => {
  it("sends to the tenant's enabled endpoints subscribed to the event, one message id per event", async () => {
    const a = await admin();
    const all = await a.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/all` });
    const posted = await a.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/posted`, events: ["billing_run.posted"] });
    const off = await a.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/off` });
    await a.caller.settings.webhookEndpoints.update({ id: off.id, enabled: false });
    const b = await admin();
    await b.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/b` });

    const failed = await enqueueWebhookEvent(db(), a.tenantId, "billing_run.failed", { runId: "r1" });
    expect(failed.map((m) => m.endpointId)).toEqual([all.id]);
    const done = await enqueueWebhookEvent(db(), a.tenantId, "billing_run.posted", { runId: "r1" });
    expect(done.map((m) => m.endpointId).sort()).toEqual([all.id, posted.id].sort());
    expect(new Set(done.map((m) => m.messageId)).size).toBe(1);
    expect(await dispatchedTo(a.tenantId)).toHaveLength(3);
  });
});

describe("attemptDelivery", () => {
  it("signs with the endpoint's secret, records the attempt, retries on errors and disables on 410", async () => {
    const a = await admin();
    const endpoint = await a.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/deliver` });
    const [message] = await enqueueWebhookEvent(db(), a.tenantId, "invoice.posted", { invoiceId: "i1", grossTotal: "119.00" });

    received.length = 0;
    expect(await attemptDelivery(db(), message, 1)).toEqual({ outcome: "DELIVERED", status: 204 });
    const [request] = received;
    const verified = new Webhook(endpoint.secret).verify(request.body, request.headers as Record<string, string>);
    expect(verified).toEqual({ type: "invoice.posted", timestamp: message.occurredAt, data: { invoiceId: "i1", grossTotal: "119.00" } });
    expect(request.headers["webhook-id"]).toBe(message.messageId);

    answers.push(503);
    expect(await attemptDelivery(db(), message, 2)).toMatchObject({ outcome: "RETRY", status: 503, error: "HTTP 503" });
    answers.push(410);
    expect(await attemptDelivery(db(), message, 3)).toEqual({ outcome: "GONE", status: 410 });
    expect((await a.caller.settings.webhookEndpoints.list())[0]).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410 Gone/) });
    expect(await attemptDelivery(db(), message, 4)).toEqual({ outcome: "SKIPPED", reason: "the endpoint is disabled" });

    const attempts = await a.caller.settings.webhookEndpoints.deliveries({ endpointId: endpoint.id });
    expect(attempts.map((d) => [d.attempt, d.responseStatus, d.error])).toEqual([
      [3, 410, "HTTP 410"],
      [2, 503, "HTTP 503"],
      [1, 204, null],
    ]);
  });

  it("records timeouts and unreachable endpoints as failed attempts", async () => {
    const a = await admin();
    const slow = await a.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/slow`, events: ["billing_run.failed"] });
    const [message] = await enqueueWebhookEvent(db(), a.tenantId, "billing_run.failed", { runId: "r" });
    expect(await attemptDelivery(db(), message, 1, { timeoutMs: 200 })).toMatchObject({ outcome: "RETRY", status: null, error: "timed out after 200 ms" });
    await a.caller.settings.webhookEndpoints.update({ id: slow.id, url: "http://127.0.0.1:1/closed" });
    expect(await attemptDelivery(db(), message, 2)).toMatchObject({ outcome: "RETRY", status: null });
    const attempts = await a.caller.settings.webhookEndpoints.deliveries({ endpointId: slow.id });
    expect(attempts).toHaveLength(2);
  });
});

describe("outbox-sweep Inngest function", () => {
  it("records a failed attempt with its retry, then delivers once due, recording each attempt number", async () => {
    const a = await admin();
    const endpoint = await a.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/inngest` });
    const [message] = await enqueueWebhookEvent(db(), a.tenantId, "billing_run.drafts_ready", { runId: "r" });
    // earlier tests' retries are not due during this one (the function sweeps every due message of the database)
    await db().execute(sql`UPDATE webhook_messages SET next_attempt_at = now() + interval '1 day' WHERE status = 'PENDING' AND message_id <> ${message.messageId}`);
    const fn = createSweepOutboxFunction({ getDb: async () => db() });
    const run = () =>
      new InngestTestEngine({ function: fn }).execute({ events: [{ name: "billing/outbox.committed", data: {} }], steps: [{ id: "wake-when-due", handler: () => ({ ids: [] }) }] });
    answers.push(500);
    const first = await run();
    expect(first.error).toBeUndefined();
    expect(first.result).toMatchObject({ attempted: 1 });
    await db().execute(sql`UPDATE webhook_messages SET next_attempt_at = now() WHERE message_id = ${message.messageId}`);
    const second = await run();
    expect(second.error).toBeUndefined();
    expect(second.result).toMatchObject({ attempted: 1 });
    const attempts = await a.caller.settings.webhookEndpoints.deliveries({ endpointId: endpoint.id });
    expect(attempts.map((d) => [d.attempt, d.responseStatus])).toEqual([
      [2, 204],
      [1, 500],
    ]);
  });
});

describe("outbox → webhook messages (the webhooks consumer)", () => {
  it("announces a posted run and each of its posted invoices", async () => {
    const a = await admin();
    await seedMasterData(db(), a.tenantId, 3, a.billingCycleId);
    const { ingestRatedItems } = await import("@/server/api/ingest/rated-items");
    await ingestRatedItems(db(), a.tenantId, { items: Array.from({ length: 9 }, (_, n) => ratedItem(n)) });
    await a.caller.settings.webhookEndpoints.create({ url: `${receiverUrl}/m` });
    const { createRun, processRun } = await import("@/server/billing/runs");
    const run = await createRun(db(), a.tenantId, { type: "CYCLE", billingCycleId: a.billingCycleId, invoiceDate: "2026-11-30", cutoffDate: "2026-11-30", mode: "AUTO_POST" }, { type: "SYSTEM" });
    await processRun(db(), a.tenantId, run.id, { type: "SYSTEM" });
    await waitForInlineJobs();
    expect(await dispatchedTo(a.tenantId)).toEqual([]); // written to the outbox with the posting, not yet handled
    await fanOutWebhooks(db());
    const dispatched = await dispatchedTo(a.tenantId);
    const types = dispatched.map((m) => m.type);
    expect(types.filter((t) => t === "billing_run.posted")).toHaveLength(1);
    expect(types.filter((t) => t === "invoice.posted")).toHaveLength(3);
    const [invoice] = dispatched.filter((m) => m.type === "invoice.posted");
    expect(invoice.data).toMatchObject({ runId: run.id, number: expect.stringMatching(/^INV-/), accountExternalId: expect.stringMatching(/^ACC-/) });
    const [{ n }] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM invoices WHERE billing_run_id = ${run.id}::uuid AND status = 'POSTED'`);
    expect(n).toBe(3);
  }, 60_000);
});
