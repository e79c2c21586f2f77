import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFinishStepFunction } from "@/inngest/functions/finish-step";
import { createProcessRunFunction } from "@/inngest/functions/process-run";
import { createRunChunkFunction } from "@/inngest/functions/run-chunk";
import type { JobRef } from "@/server/jobs/job-ref";
import { configureRuntime, recordingRunner } from "@/tests/support/runtime";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant } from "./billing-support";

// The Inngest functions, run by @inngest/test against a real database: plan + one fan-out sendEvent, chunk
// workers (exactly one announces completion), finish + start of the mode's next step. sendEvent is mocked.

let database: TestDatabase;
const started: JobRef[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  // Jobs go to "Inngest": capture the process_requested event instead of sending it.
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } }, jobs: recordingRunner("inngest", started) });
});
afterAll(async () => {
  configureRuntime();
  await database?.close();
});

const deps = () => ({ getDb: async () => database.db });
const sendEventMock = (id: string) => ({ id, handler: () => ({ ids: [] }) });

type SentEvent = { name: string; id: string; data: JobRef & { chunk?: unknown } };

async function runJob(job: JobRef) {
  const plan = new InngestTestEngine({ function: createProcessRunFunction(deps()) });
  const planned = await plan.execute({
    events: [{ name: "billing/run.process_requested", data: job }],
    steps: [sendEventMock("fan-out-chunks"), sendEventMock("start-next-step")],
  });
  expect(planned.error).toBeUndefined();
  const fanOut = planned.ctx.step.sendEvent.mock.calls.find((c: unknown[]) => c[0] === "fan-out-chunks");
  const chunkEvents = (fanOut?.[1] ?? []) as SentEvent[];
  expect(chunkEvents.map((e) => e.id)).toEqual(chunkEvents.map((_, i) => `${job.jobId}-chunk-${i}`));
  expect(new Set(chunkEvents.map((e) => e.name))).toEqual(new Set(["billing/run.chunk_requested"]));

  // one engine per delivery: an engine instance memoizes step results across its executions
  const worker = () => new InngestTestEngine({ function: createRunChunkFunction(deps()) });
  const completions: SentEvent[] = [];
  for (const event of chunkEvents) {
    const res = await worker().execute({ events: [{ name: event.name, data: event.data }], steps: [sendEventMock("chunks-completed")] });
    expect(res.error).toBeUndefined();
    for (const call of res.ctx.step.sendEvent.mock.calls as unknown[][]) if (call[0] === "chunks-completed") completions.push(call[1] as SentEvent);
  }
  // re-delivering a chunk changes nothing and does not announce completion again
  if (chunkEvents[0]) {
    const again = await worker().execute({ events: [{ name: chunkEvents[0].name, data: chunkEvents[0].data }], steps: [sendEventMock("chunks-completed")] });
    expect(again.result).toMatchObject({ skipped: true });
  }
  expect(completions.length).toBe(1);
  expect(completions[0]).toMatchObject({ name: "billing/run.chunks_completed", id: `${job.jobId}-completed` });

  const finisher = new InngestTestEngine({ function: createFinishStepFunction(deps()) });
  const finished = await finisher.execute({
    events: [{ name: "billing/run.chunks_completed", data: job }],
    steps: [sendEventMock("start-next-step")],
  });
  expect(finished.error).toBeUndefined();
  const next = (finished.ctx.step.sendEvent.mock.calls as unknown[][]).find((c) => c[0] === "start-next-step")?.[1] as SentEvent | undefined;
  return { chunks: chunkEvents.length, next: next?.data ?? null, nextEvent: next };
}

describe("Inngest functions (@inngest/test)", () => {
  it("a REVIEW run goes NEW → DRAFTS_READY through plan / fan-out / chunks / finish, with typed events", async () => {
    const t = await newTenant(database.db, { accounts: 8, items: 160 });
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    const res = await t.caller.billingRuns.process({ id });
    expect(res.started).toBe(true);
    const lines = started.pop()!;
    expect(lines).toMatchObject({ runId: id, kind: "LINES" });

    const first = await runJob(lines);
    expect(first.chunks).toBe(3);
    expect(first.next).toMatchObject({ runId: id, kind: "INVOICES" });
    expect(first.nextEvent).toMatchObject({ name: "billing/run.process_requested", id: `job-${first.next!.jobId}` });
    expect((await t.caller.billingRuns.get({ id })).status).toBe("CREATING_INVOICES");

    const second = await runJob(first.next!);
    expect(second.next).toBeNull();
    const run = await t.caller.billingRuns.get({ id });
    expect(run.status).toBe("DRAFTS_READY");
    expect(run.invoicesCount).toBe(8);
    const exec = await t.caller.billingRuns.executions({ id });
    expect(exec.map((e) => [e.kind, e.status, e.done, e.total, e.driver])).toEqual([
      ["INVOICES", "SUCCEEDED", 8, 8, "inngest"],
      ["LINES", "SUCCEEDED", 8, 8, "inngest"],
    ]);

    // Post through the functions as well
    await t.caller.billingRuns.process({ id });
    const posting = await runJob(started.pop()!);
    expect(posting.next).toBeNull();
    expect((await t.caller.billingRuns.get({ id })).status).toBe("POSTED");
  });

  it("a job without accounts finishes in the planning function", async () => {
    const t = await newTenant(database.db, { seed: false });
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "MANUAL" }));
    await t.caller.billingRuns.process({ id });
    const job = started.pop()!;
    const plan = new InngestTestEngine({ function: createProcessRunFunction(deps()) });
    const out = await plan.execute({ events: [{ name: "billing/run.process_requested", data: job }], steps: [sendEventMock("start-next-step")] });
    expect(out.result).toEqual({ chunks: 0, next: null });
    expect((await t.caller.billingRuns.get({ id })).status).toBe("LINES_CREATED");
  });

  it("events are validated by their zod schemas", async () => {
    const { runProcessRequested } = await import("@/inngest/events");
    await expect(runProcessRequested.create({ tenantId: "t", runId: "not-a-uuid", jobId: "x", kind: "LINES", params: {} }).validate()).rejects.toThrow();
  });
});
