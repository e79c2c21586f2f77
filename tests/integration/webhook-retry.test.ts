import { InngestTestEngine } from "@inngest/test";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { queryRows } from "@/db/client";
import { createSweepOutboxFunction } from "@/inngest/functions/sweep-outbox";
import type { OutboxSweeper } from "@/server/outbox/sweeper";
import { runtime } from "@/server/runtime";
import { enqueueWebhookEvent } from "@/server/webhooks/outgoing";
import { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_SECONDS } from "@/server/webhooks/retry-schedule";
import { CLAIM_LEASE_SECONDS, claimDueMessages, sweepWebhookMessages } from "@/server/webhooks/sweeper";
import { configureRuntime } from "@/tests/support/runtime";
import { callerFor, createTenantWithUser } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// Durable outgoing webhooks without Inngest: messages live in webhook_messages, the sweeper claims the due ones
// (SKIP LOCKED) and retries them on the shared schedule, across restarts, until delivered, gone or given up.

let database: TestDatabase;
let receiver: WebhookReceiver;
const db = () => database.db;
/** Stores messages but delivers nothing by itself, so each test drives the sweeper explicitly. */
const storeOnly = () => configureRuntime({ outbox: "off" });
/** This process's outbox sweeper (composed, not started: it runs when woken). */
const inProcessSweeper = () => configureRuntime();
/** A new process's sweeper: started, it looks for due work at once. */
function restartedProcess() {
  const sweeper = configureRuntime({ getDb: async () => db() }).outbox as OutboxSweeper;
  sweeper.start();
  return sweeper;
}

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver();
});
beforeEach(() => storeOnly());
afterAll(async () => {
  await runtime().outbox.idle();
  storeOnly();
  await receiver?.close();
  await database?.close();
});

async function endpoint(path: string) {
  const member = await createTenantWithUser(db(), { role: "admin" });
  const caller = callerFor(db(), member);
  const created = await caller.settings.webhookEndpoints.create({ url: `${receiver.url}${path}` });
  return { ...member, caller, ...created };
}

type MessageRow = { status: string; attempts: number; nextAttemptAt: Date | string | null; secondsToNext: number | null };
async function messageRow(messageId: string): Promise<MessageRow> {
  const [row] = await queryRows<MessageRow>(
    db(),
    sql`SELECT status, attempts, next_attempt_at AS "nextAttemptAt",
          extract(epoch FROM next_attempt_at - now())::float AS "secondsToNext"
        FROM webhook_messages WHERE message_id = ${messageId}`,
  );
  return row;
}

/** Stands in for waiting out the back-off (or a claim's lease). */
async function makeDue(messageId: string) {
  await db().execute(sql`UPDATE webhook_messages SET next_attempt_at = now() WHERE message_id = ${messageId}`);
}

describe("inline delivery across a restart", () => {
  it("retries a failed attempt from the database: delivered exactly once more, same webhook-id, valid signature", async () => {
    inProcessSweeper();
    const e = await endpoint("/restart");
    receiver.answer("/restart", 500);

    const [message] = await enqueueWebhookEvent(db(), e.tenantId, "billing_run.posted", { runId: "r1" });
    await runtime().outbox.idle(); // the pass the wake-up started
    expect(receiver.to("/restart").map((r) => r.headers["webhook-id"])).toEqual([message.messageId]);
    const afterFailure = await messageRow(message.messageId);
    expect(afterFailure).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(afterFailure.secondsToNext).toBeGreaterThan(WEBHOOK_RETRY_DELAYS_SECONDS[0] - 3);
    expect(afterFailure.secondsToNext).toBeLessThanOrEqual(WEBHOOK_RETRY_DELAYS_SECONDS[0]);
    expect(await sweepWebhookMessages(db())).toBe(0); // not due yet

    // "Restart": nothing of the first delivery is kept in memory; a new process's sweeper finds it in the database.
    storeOnly(); // the first process stops (its sweeper with it)
    await makeDue(message.messageId);
    const sweeper = restartedProcess();
    await vi.waitFor(() => expect(receiver.to("/restart")).toHaveLength(2), { timeout: 10_000 });
    sweeper.stop();
    await sweeper.idle();

    const [first, second] = receiver.to("/restart");
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    const verified = new Webhook(e.secret).verify(second.body, second.headers as Record<string, string>);
    expect(verified).toEqual({ type: "billing_run.posted", timestamp: message.occurredAt, data: { runId: "r1" } });
    expect(await messageRow(message.messageId)).toMatchObject({ status: "DELIVERED", attempts: 2, nextAttemptAt: null });

    await makeDue(message.messageId);
    expect(await sweepWebhookMessages(db())).toBe(0);
    expect(receiver.to("/restart")).toHaveLength(2);
    const attempts = await e.caller.settings.webhookEndpoints.deliveries({ endpointId: e.id });
    expect(attempts.map((d) => [d.attempt, d.responseStatus, d.messageStatus])).toEqual([
      [2, 204, "DELIVERED"],
      [1, 500, null],
    ]);
  });
});

describe("sweepWebhookMessages", () => {
  it("disables an endpoint answering 410 and holds its other pending messages", async () => {
    const e = await endpoint("/gone");
    receiver.answer("/gone", 410);
    const [first] = await enqueueWebhookEvent(db(), e.tenantId, "billing_run.posted", { runId: "a" });
    const [second] = await enqueueWebhookEvent(db(), e.tenantId, "billing_run.failed", { runId: "b" });
    await db().execute(sql`UPDATE webhook_messages SET next_attempt_at = now() + interval '1 hour' WHERE message_id = ${second.messageId}`);

    expect(await sweepWebhookMessages(db())).toBe(1);
    expect(await messageRow(first.messageId)).toMatchObject({ status: "GONE", nextAttemptAt: null });
    const [listed] = await e.caller.settings.webhookEndpoints.list();
    expect(listed).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410 Gone/), pendingCount: 1 });

    await makeDue(second.messageId);
    expect(await sweepWebhookMessages(db())).toBe(0);
    expect(receiver.to("/gone")).toHaveLength(1);
    expect(await messageRow(second.messageId)).toMatchObject({ status: "PENDING", attempts: 0 });
    expect(await enqueueWebhookEvent(db(), e.tenantId, "billing_run.posted", { runId: "c" })).toEqual([]);
  });

  it("follows the retry schedule and gives up after the last attempt, visibly", async () => {
    const e = await endpoint("/down");
    receiver.answer("/down", ...Array.from({ length: WEBHOOK_MAX_ATTEMPTS + 1 }, () => 503));
    const [message] = await enqueueWebhookEvent(db(), e.tenantId, "invoice.posted", { invoiceId: "i1" });

    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
      expect(await sweepWebhookMessages(db())).toBe(1);
      const row = await messageRow(message.messageId);
      expect(row.attempts).toBe(attempt);
      if (attempt < WEBHOOK_MAX_ATTEMPTS) {
        expect(row.status).toBe("PENDING");
        const delay = WEBHOOK_RETRY_DELAYS_SECONDS[attempt - 1];
        expect(row.secondsToNext).toBeGreaterThan(delay - 3);
        expect(row.secondsToNext).toBeLessThanOrEqual(delay);
        const [latest] = await e.caller.settings.webhookEndpoints.deliveries({ endpointId: e.id, limit: 1 });
        expect(latest).toMatchObject({ attempt, messageStatus: "PENDING", nextAttemptAt: expect.any(Date) });
        await makeDue(message.messageId);
      }
    }
    expect(await messageRow(message.messageId)).toMatchObject({ status: "GAVE_UP", attempts: WEBHOOK_MAX_ATTEMPTS, nextAttemptAt: null });
    expect(await sweepWebhookMessages(db())).toBe(0);
    expect(receiver.to("/down")).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    expect(new Set(receiver.to("/down").map((r) => r.headers["webhook-id"]))).toEqual(new Set([message.messageId]));

    const attempts = await e.caller.settings.webhookEndpoints.deliveries({ endpointId: e.id });
    expect(attempts.map((d) => d.attempt)).toEqual(Array.from({ length: WEBHOOK_MAX_ATTEMPTS }, (_, i) => WEBHOOK_MAX_ATTEMPTS - i));
    expect(attempts[0]).toMatchObject({ messageStatus: "GAVE_UP", nextAttemptAt: null, error: "HTTP 503" });
    expect(attempts.slice(1).every((d) => d.messageStatus === null)).toBe(true);
    expect((await e.caller.settings.webhookEndpoints.list())[0]).toMatchObject({ pendingCount: 0, gaveUpCount: 1 });
  });

  it("never lets two concurrent sweeps send the same message", async () => {
    const e = await endpoint("/concurrent");
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) ids.push((await enqueueWebhookEvent(db(), e.tenantId, "invoice.posted", { n }))[0].messageId);

    const [a, b] = await Promise.all([sweepWebhookMessages(db()), sweepWebhookMessages(db())]);
    expect(a + b).toBe(6);
    expect(receiver.to("/concurrent").map((r) => r.headers["webhook-id"]).sort()).toEqual([...ids].sort());
  });

  it("retries an attempt whose process died after claiming it once the lease ends; an interrupted last attempt gives up", async () => {
    const e = await endpoint("/crash");
    const [message] = await enqueueWebhookEvent(db(), e.tenantId, "billing_run.drafts_ready", { runId: "r" });
    const claimed = await claimDueMessages(db()); // ...and the process stops before sending
    expect(claimed).toEqual([{ message: expect.objectContaining({ messageId: message.messageId }), attempt: 1 }]);
    const leased = await messageRow(message.messageId);
    expect(leased.secondsToNext).toBeGreaterThan(CLAIM_LEASE_SECONDS - 3);
    expect(await sweepWebhookMessages(db())).toBe(0);

    await makeDue(message.messageId); // the lease ran out
    expect(await sweepWebhookMessages(db())).toBe(1);
    expect(receiver.to("/crash")).toHaveLength(1);
    expect(await messageRow(message.messageId)).toMatchObject({ status: "DELIVERED", attempts: 2 });

    const [last] = await enqueueWebhookEvent(db(), e.tenantId, "billing_run.failed", { runId: "r" });
    await db().execute(sql`UPDATE webhook_messages SET attempts = ${WEBHOOK_MAX_ATTEMPTS - 1} WHERE message_id = ${last.messageId}`);
    expect(await claimDueMessages(db())).toEqual([expect.objectContaining({ attempt: WEBHOOK_MAX_ATTEMPTS })]);
    await makeDue(last.messageId);
    expect(await sweepWebhookMessages(db())).toBe(0);
    expect(receiver.to("/crash")).toHaveLength(1);
    expect(await messageRow(last.messageId)).toMatchObject({ status: "GAVE_UP", attempts: WEBHOOK_MAX_ATTEMPTS });
    const [latest] = await e.caller.settings.webhookEndpoints.deliveries({ endpointId: e.id, limit: 1 });
    expect(latest).toMatchObject({ messageId: last.messageId, attempt: WEBHOOK_MAX_ATTEMPTS, messageStatus: "GAVE_UP", error: expect.stringMatching(/^interrupted/) });
  });
});

describe("outbox-sweep Inngest function", () => {
  it("uses the same schedule: retries after the scheduled delay and gives up on the last attempt", async () => {
    const e = await endpoint("/inngest-down");
    receiver.answer("/inngest-down", 500, 500);
    const [message] = await enqueueWebhookEvent(db(), e.tenantId, "billing_run.failed", { runId: "r" });
    const fn = createSweepOutboxFunction({ getDb: async () => db() });
    // one pass per execution; the event it schedules for the next retry is mocked
    const run = () =>
      new InngestTestEngine({ function: fn }).execute({ events: [{ name: "billing/outbox.committed", data: {} }], steps: [{ id: "wake-when-due", handler: () => ({ ids: [] }) }] });

    const first = await run();
    expect(first.error).toBeUndefined();
    const retry = await messageRow(message.messageId);
    expect(retry).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(retry.secondsToNext).toBeGreaterThan(WEBHOOK_RETRY_DELAYS_SECONDS[0] - 3);
    await db().execute(sql`UPDATE webhook_messages SET attempts = ${WEBHOOK_MAX_ATTEMPTS - 1} WHERE message_id = ${message.messageId}`);
    await makeDue(message.messageId);
    const last = await run();
    expect(last.error).toBeUndefined();
    expect(await messageRow(message.messageId)).toMatchObject({ status: "GAVE_UP", attempts: WEBHOOK_MAX_ATTEMPTS, nextAttemptAt: null });
  });
});
