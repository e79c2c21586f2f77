import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import type { OutboxSweeper } from "@/server/outbox/sweeper";
import { ProcessCrash, runtime, type FaultInjector } from "@/server/runtime";
import { configureRuntime, settle } from "@/tests/support/runtime";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, type TestTenant } from "./billing-support";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// Nothing lost, nothing twice, across a process that dies (`kill -9`, simulated by ProcessCrash at a fault point: the
// runner and the sweeper stop where they are, without recording anything) and a new process that takes over:
// - right after a posting chunk commits (its invoice.posted rows are in the outbox, billing_run.posted not yet);
// - in the middle of delivering (some messages answered by the receiver but not yet recorded).
// Afterwards every invoice.posted and billing_run.posted message has reached the receiver with a valid signature, each
// message once (a message answered but not recorded when the process died is sent again with the same webhook-id,
// which is what receivers deduplicate on), the run e-mail is sent once and the invoice e-mail job runs once.

let database: TestDatabase;
let receiver: WebhookReceiver;
const db = () => database.db;
const settings = { engine: { chunkAccounts: 2 }, jobs: { staleAfterMs: { inline: 1_000 } }, webhooks: { claimLeaseSeconds: 1, deliveryConcurrency: 2 } };

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await database?.close();
});

/** A process of the app: its own instance id, runner and outbox sweeper (started, as instrumentation.ts does). */
function startProcess(faults: FaultInjector | null = null) {
  const rt = configureRuntime({ settings, faults, getDb: async () => db() });
  (rt.outbox as OutboxSweeper).start();
  return rt;
}

/** The process dies: its sweeper and runner stop where they are (pending work stays in the database). */
async function killProcess() {
  const { outbox, jobs } = runtime();
  (outbox as OutboxSweeper).stop();
  await outbox.idle();
  await jobs.idle();
}

async function postedRunSetup(path: string) {
  const t = await newTenant(db(), { accounts: 6, items: 60 });
  const endpoint = await t.caller.settings.webhookEndpoints.create({ url: `${receiver.url}${path}`, events: ["billing_run.posted", "invoice.posted"] });
  const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST", emailInvoices: true }));
  return { t, endpoint, runId: id };
}

async function postedInvoices(runId: string) {
  return queryRows<{ id: string; number: string }>(db(), sql`SELECT id, number FROM invoices WHERE billing_run_id = ${runId}::uuid AND status = 'POSTED' ORDER BY number`);
}

/** What the receiver got, checked: every signature valid; per webhook-id the bodies are identical. */
function receivedMessages(path: string, secret: string) {
  const byId = new Map<string, { type: string; data: Record<string, unknown>; count: number }>();
  for (const request of receiver.to(path)) {
    const payload = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
    const id = String(request.headers["webhook-id"]);
    const seen = byId.get(id);
    if (seen) expect(payload).toMatchObject({ type: seen.type, data: seen.data });
    byId.set(id, { type: payload.type, data: payload.data, count: (seen?.count ?? 0) + 1 });
  }
  return byId;
}

async function assertEffectsOnce(t: TestTenant, runId: string, path: string, secret: string, resentIds: Set<string>) {
  const invoices = await postedInvoices(runId);
  expect(invoices).toHaveLength(6);
  const numbers = invoices.map((i) => Number(i.number.split("-").pop()));
  expect(numbers).toEqual(numbers.map((_, i) => i + 1)); // gapless, none twice

  const messages = receivedMessages(path, secret);
  const posted = [...messages.values()].filter((m) => m.type === "invoice.posted");
  expect(posted.map((m) => m.data.invoiceId).sort()).toEqual(invoices.map((i) => i.id).sort());
  expect([...messages.values()].filter((m) => m.type === "billing_run.posted").map((m) => m.data.runId)).toEqual([runId]);
  // once each, except a message answered but not recorded when a process died: sent again, same webhook-id
  for (const [id, m] of messages) expect(m.count, `webhook-id ${id}`).toBe(resentIds.has(id) ? 2 : 1);
  const [{ delivered, other }] = await queryRows<{ delivered: number; other: number }>(
    db(),
    sql`SELECT count(*) FILTER (WHERE status = 'DELIVERED')::int AS delivered, count(*) FILTER (WHERE status <> 'DELIVERED')::int AS other
        FROM webhook_messages WHERE tenant_id = ${t.tenantId}`,
  );
  expect({ delivered, other }).toEqual({ delivered: 7, other: 0 });

  const emails = await queryRows<{ key: string; n: number }>(
    db(),
    sql`SELECT idempotency_key AS key, count(*)::int AS n FROM email_outbox WHERE tenant_id = ${t.tenantId} GROUP BY 1`,
  );
  expect(emails.filter((e) => e.key === `run:${runId}:POSTED`)).toEqual([{ key: `run:${runId}:POSTED`, n: 1 }]);
  expect(emails.filter((e) => e.key.startsWith("invoice:")).map((e) => e.n)).toEqual(invoices.map(() => 1));
  const jobs = await queryRows<{ status: string }>(db(), sql`SELECT status FROM job_executions WHERE billing_run_id = ${runId}::uuid AND kind = 'EMAIL'`);
  expect(jobs).toEqual([{ status: "SUCCEEDED" }]);
  const [{ pending }] = await queryRows<{ pending: number }>(
    db(),
    sql`SELECT count(*)::int AS pending FROM outbox_events WHERE billing_run_id = ${runId}::uuid AND pending <> '{}'`,
  );
  expect(pending).toBe(0);
}

describe("a process killed right after a posting chunk commits", () => {
  it("loses no event: the new process resumes the posting and delivers every message once", async () => {
    const { t, endpoint, runId } = await postedRunSetup("/crash-posting");
    let crashed = false;
    startProcess(async (fault) => {
      if (fault.point === "chunk-committed" && fault.job.kind === "POSTING" && fault.chunk.no === 0 && !crashed) {
        crashed = true;
        // the process dies before anything else of it runs: its sweeper too
        (runtime().outbox as OutboxSweeper).stop();
        throw new ProcessCrash("after the first posting chunk committed");
      }
    });
    await t.caller.billingRuns.process({ id: runId });
    await killProcess();
    expect(crashed).toBe(true);
    expect((await t.caller.billingRuns.get({ id: runId })).status).toBe("POSTING");
    const [{ rows }] = await queryRows<{ rows: number }>(
      db(),
      sql`SELECT count(*)::int AS rows FROM outbox_events WHERE billing_run_id = ${runId}::uuid AND type = 'invoice.posted'`,
    );
    expect(rows).toBeGreaterThan(0); // committed with the chunk
    expect(rows).toBeLessThanOrEqual(6); // on Postgres another chunk may have committed beside it
    const [{ milestones }] = await queryRows<{ milestones: number }>(
      db(),
      sql`SELECT count(*)::int AS milestones FROM outbox_events WHERE billing_run_id = ${runId}::uuid AND type = 'billing_run.posted'`,
    );
    expect(milestones).toBe(0); // the posting never finished

    // A new process: its sweeper sends what the outbox holds; Process takes over the abandoned posting.
    startProcess();
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the dead job's heartbeat goes stale (Postgres)
    await t.caller.billingRuns.process({ id: runId });
    await settle();
    await settleDeliveries(7, "/crash-posting");
    expect((await t.caller.billingRuns.get({ id: runId })).status).toBe("POSTED");
    await assertEffectsOnce(t, runId, "/crash-posting", endpoint.secret, new Set());
    await killProcess();
  }, 60_000);
});

describe("a process killed in the middle of delivering", () => {
  it("the new process delivers the rest; what was answered but not recorded is resent once with the same webhook-id", async () => {
    const { t, endpoint, runId } = await postedRunSetup("/crash-delivery");
    const answered: string[] = [];
    let crashed = false;
    startProcess(async (fault) => {
      if (fault.point !== "webhook-answered") return;
      answered.push(fault.messageId); // also the attempts in flight when it dies: answered, never recorded
      if (!crashed && answered.length === 3) {
        crashed = true;
        throw new ProcessCrash("while delivering webhooks");
      }
    });
    await t.caller.billingRuns.process({ id: runId });
    await runtime().jobs.idle();
    await settleUntil(() => crashed);
    await killProcess();
    expect((await t.caller.billingRuns.get({ id: runId })).status).toBe("POSTED");
    const recorded = await queryRows<{ message_id: string }>(
      db(),
      sql`SELECT DISTINCT message_id FROM webhook_deliveries WHERE tenant_id = ${t.tenantId}`,
    );
    // answered before the crash but never recorded: these go out again after the claims' lease
    const unrecorded = new Set(answered.filter((id) => !recorded.some((r) => r.message_id === id)));
    expect(unrecorded.size).toBeGreaterThan(0);

    startProcess();
    await settle();
    // all seven may have been answered before the crash: wait for the resends too (they go out after the lease)
    await settleDeliveries(7, "/crash-delivery", 7 + unrecorded.size);
    await assertEffectsOnce(t, runId, "/crash-delivery", endpoint.secret, unrecorded);
    await killProcess();
  }, 60_000);
});

async function settleUntil(done: () => boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Waits until every message of the endpoint's tenant is delivered (retries after a lease take a second), and at least
 * `requests` requests arrived in all (a resent message counts twice). */
async function settleDeliveries(expected: number, path: string, requests = expected) {
  await settleUntil(
    () => new Set(receiver.to(path).map((r) => String(r.headers["webhook-id"]))).size >= expected && receiver.to(path).length >= requests,
  );
  await settleUntil(() => false, 300); // anything still in flight lands (and would be counted twice)
  await runtime().outbox.idle();
}
