import { configureRuntime, recordingRunner } from "@/tests/support/runtime";
import type { JobRef } from "@/server/jobs/job-ref";
import { InngestTestEngine } from "@inngest/test";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createRunDocumentsFunction } from "@/inngest/functions/run-documents";
import { createRunDocumentsChunkFunction } from "@/inngest/functions/run-documents-chunk";
import type { DocumentJobRef } from "@/server/documents/document-jobs";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, waitForInlineJobs, type TestTenant } from "./billing-support";

// The document job functions (Generate PDF / XML, E-mail invoices) run by @inngest/test against a real database:
// plan + one fan-out sendEvent, chunk workers, the last chunk finishes the job. sendEvent is mocked; the dispatcher
// that would send the start event to Inngest is replaced by one that captures the job.

let database: TestDatabase;
/** Document jobs as the Inngest runner sends them (the start event's data); run steps go inline. */
const started: DocumentJobRef[] = [];
const runSteps: JobRef[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  const inline = configureRuntime().jobs;
  const toInngest = recordingRunner("inngest", runSteps);
  configureRuntime({
    settings: { engine: { chunkAccounts: 3 }, documents: { chunkSize: 2 }, email: { resendApiKey: undefined } }, // e-mails go to the outbox
    jobs: {
      name: "inngest",
      start: async (db, job) => {
        if (["PDF", "XML", "EMAIL"].includes(job.kind)) started.push({ tenantId: job.tenantId, runId: job.runId, jobId: job.jobId, kind: job.kind as DocumentJobRef["kind"] });
        else await inline.start(db, job);
      },
      idle: () => inline.idle(),
      busy: () => inline.busy() || toInngest.busy(),
    },
  });
});
afterAll(async () => {
  await waitForInlineJobs();
  await database?.close();
});

const deps = () => ({ getDb: async () => database.db });
const sendEventMock = (id: string) => ({ id, handler: () => ({ ids: [] }) });
type SentEvent = { name: string; id: string; data: DocumentJobRef & { chunk: unknown } };

async function postedRun(t: TestTenant, options: Record<string, unknown> = {}) {
  const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST", ...options }));
  await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  const run = await t.caller.billingRuns.get({ id });
  expect(run.status).toBe("POSTED");
  return { id, posted: run.postedCount };
}

/** Runs a started job through the functions; returns the chunk events and the finishing chunk's status. */
async function runJob(job: DocumentJobRef) {
  const planner = new InngestTestEngine({ function: createRunDocumentsFunction(deps()) });
  const planned = await planner.execute({ events: [{ name: "billing/run.documents_requested", data: job }], steps: [sendEventMock("fan-out-chunks")] });
  expect(planned.error).toBeUndefined();
  const fanOut = (planned.ctx.step.sendEvent.mock.calls as unknown[][]).find((c) => c[0] === "fan-out-chunks");
  const chunkEvents = (fanOut?.[1] ?? []) as SentEvent[];
  expect(chunkEvents.map((e) => e.id)).toEqual(chunkEvents.map((_, i) => `${job.jobId}-chunk-${i}`));
  for (const e of chunkEvents) expect(e.name).toBe("billing/run.documents_chunk_requested");

  // one engine per delivery: an engine instance memoizes step results across its executions
  const worker = () => new InngestTestEngine({ function: createRunDocumentsChunkFunction(deps()) });
  const finished: unknown[] = [];
  for (const event of chunkEvents) {
    const res = await worker().execute({ events: [{ name: event.name, data: event.data }] });
    expect(res.error).toBeUndefined();
    if ((res.result as { last?: boolean }).last) finished.push((res.result as { status: unknown }).status);
  }
  // a re-delivered chunk changes nothing and finishes nothing
  if (chunkEvents[0]) {
    const again = await worker().execute({ events: [{ name: chunkEvents[0].name, data: chunkEvents[0].data }] });
    expect(again.result).toMatchObject({ skipped: true, last: false });
  }
  return { planned: planned.result, chunks: chunkEvents.length, finished };
}

const jobRow = (jobId: string) =>
  queryRows<{ status: string; done: number; total: number; driver: string; error: string | null; log: { message: string }[] }>(
    database.db,
    sql`SELECT status, done, total, driver, error, log FROM job_executions WHERE id = ${jobId}::uuid`,
  ).then((rows) => rows[0]);

describe("document job functions (@inngest/test)", () => {
  it("Generate PDF: plan, fan-out of chunk events, chunks store the PDFs, the last one finishes the job", async () => {
    const t = await newTenant(database.db, { accounts: 5, items: 50 });
    const { id, posted } = await postedRun(t);
    expect(posted).toBe(5);
    const res = await t.caller.billingRuns.generateDocuments({ id, kind: "PDF" });
    const job = started.pop()!;
    expect(job).toEqual({ tenantId: t.tenantId, runId: id, jobId: res.jobId, kind: "PDF" });
    expect(await jobRow(job.jobId)).toMatchObject({ status: "RUNNING", driver: "inngest" });

    const out = await runJob(job);
    expect(out.chunks).toBe(3); // 5 invoices, 2 per chunk
    expect(out.finished).toEqual(["SUCCEEDED"]);
    expect(await jobRow(job.jobId)).toMatchObject({ status: "SUCCEEDED", done: 5, total: 5, error: null });
    const [{ n }] = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM documents d JOIN invoices i ON i.id = d.invoice_id WHERE i.billing_run_id = ${id}::uuid AND d.kind = 'PDF'`,
    );
    expect(n).toBe(5);

    // nothing left: the planning function finishes the job itself
    await t.caller.billingRuns.generateDocuments({ id, kind: "PDF" });
    const second = started.pop()!;
    const planner = new InngestTestEngine({ function: createRunDocumentsFunction(deps()) });
    const planned = await planner.execute({ events: [{ name: "billing/run.documents_requested", data: second }] });
    expect(planned.result).toEqual({ chunks: 0, status: "SUCCEEDED" });
    expect((await jobRow(second.jobId)).log.map((l) => l.message).join("\n")).toMatch(/already has its PDF/);
  });

  it("E-mail invoices on post go through the same functions", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 30 });
    const { id } = await postedRun(t, { emailInvoices: true });
    const job = started.pop()!;
    expect(job).toMatchObject({ runId: id, kind: "EMAIL" });

    const out = await runJob(job);
    expect(out.chunks).toBe(2);
    expect(out.finished).toEqual(["SUCCEEDED"]);
    expect(await jobRow(job.jobId)).toMatchObject({ status: "SUCCEEDED", done: 3, total: 3, driver: "inngest" });
    const rows = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM email_outbox WHERE tenant_id = ${t.tenantId} AND idempotency_key LIKE 'invoice:%' AND status = 'OUTBOX'`,
    );
    expect(rows[0].n).toBe(3);
  });

  it("a job taken over (no longer RUNNING) is left alone by late chunks", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 30 });
    const { id } = await postedRun(t);
    await t.caller.billingRuns.generateDocuments({ id, kind: "XML" });
    const job = started.pop()!;
    const planner = new InngestTestEngine({ function: createRunDocumentsFunction(deps()) });
    const planned = await planner.execute({ events: [{ name: "billing/run.documents_requested", data: job }], steps: [sendEventMock("fan-out-chunks")] });
    const [first] = (planned.ctx.step.sendEvent.mock.calls[0][1] ?? []) as SentEvent[];
    await database.db.execute(sql`UPDATE job_executions SET status = 'FAILED', error = 'taken over' WHERE id = ${job.jobId}::uuid`);
    const late = await new InngestTestEngine({ function: createRunDocumentsChunkFunction(deps()) }).execute({ events: [{ name: first.name, data: first.data }] });
    expect(late.result).toMatchObject({ abandoned: true, last: false });
    expect(await jobRow(job.jobId)).toMatchObject({ status: "FAILED", done: 0, error: "taken over" });
  });

  it("events are validated by their zod schemas", async () => {
    const { runDocumentsRequested } = await import("@/inngest/events");
    const ok = { tenantId: "t", runId: crypto.randomUUID(), jobId: crypto.randomUUID(), kind: "EMAIL" as const };
    await expect(runDocumentsRequested.create(ok).validate()).resolves.not.toThrow();
    await expect(runDocumentsRequested.create({ ...ok, kind: "ZIP" as never }).validate()).rejects.toThrow();
  });
});
