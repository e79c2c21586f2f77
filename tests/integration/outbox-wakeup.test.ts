import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isEmbeddedDatabase } from "@/db/client";
import { recordRunMilestone } from "@/server/outbox/outbox";
import { OutboxSweeper } from "@/server/outbox/sweeper";
import { enqueueWebhookEvent } from "@/server/webhooks/outgoing";
import { callerFor, createTenantWithUser } from "@/tests/support/factories";
import { configureRuntime } from "@/tests/support/runtime";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun } from "./billing-support";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// Prompt delivery: a sweeper sleeps until the next retry is due (not until its minute-long idle timer), and on
// Postgres wakes when another process commits outbox rows (LISTEN/NOTIFY).

let database: TestDatabase;
let receiver: WebhookReceiver;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await database?.close();
});

async function endpoint(path: string) {
  const member = await createTenantWithUser(db(), { role: "admin" });
  const caller = callerFor(db(), member);
  await caller.settings.webhookEndpoints.create({ url: `${receiver.url}${path}` });
  return { ...member, caller };
}

async function waitFor(done: () => boolean, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
  return done();
}

describe("the outbox sweeper's timer", () => {
  it("sends a retry due in 5 s within 2 s of its due time", async () => {
    const sweeper = configureRuntime({ getDb: async () => db() }).outbox as OutboxSweeper;
    sweeper.start();
    const e = await endpoint("/retry-timing");
    receiver.answer("/retry-timing", 503);
    await enqueueWebhookEvent(db(), e.tenantId, "billing_run.posted", { runId: "r1" });
    expect(await waitFor(() => receiver.to("/retry-timing").length === 1, 5_000)).toBe(true);
    const failedAt = Date.now();
    expect(await waitFor(() => receiver.to("/retry-timing").length === 2, 10_000)).toBe(true);
    const waited = Date.now() - failedAt;
    expect(waited).toBeGreaterThanOrEqual(4_000); // the schedule's 5 s (less the time the first answer took to record)
    expect(waited).toBeLessThan(7_000); // due + 2 s
    sweeper.stop();
    await sweeper.idle();
  }, 30_000);
});

describe("LISTEN/NOTIFY between processes", () => {
  it("wakes another process's sweeper when outbox rows are committed (Postgres; the embedded database has one process)", async (ctx) => {
    if (isEmbeddedDatabase(db())) ctx.skip(); // reported as skipped: PGlite is opened by a single process
    configureRuntime({ outbox: "off" }); // this "process" writes rows and never sweeps them itself
    const other = new OutboxSweeper(async () => db()); // another app process: only its idle timer (60 s) and LISTEN
    other.start();
    await other.idle();
    await new Promise((resolve) => setTimeout(resolve, 300)); // its LISTEN connection is up
    const e = await endpoint("/notify");
    const t = await e.caller.billingRuns.create(cycleRun(e.billingCycleId));
    await db().transaction((tx) => recordRunMilestone(tx, { tenantId: e.tenantId, runId: t.id, jobId: randomUUID(), milestone: "FAILED", error: "x" }));
    expect(await waitFor(() => receiver.to("/notify").length === 1, 3_000)).toBe(true);
    other.stop();
    await other.idle();
    await db().execute(sql`SELECT 1`);
  }, 30_000);
});
