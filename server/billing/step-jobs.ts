import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import type { JobHandler } from "@/server/jobs/job-handler";
import type { ChunkOutcome, JobChunk, JobRef } from "@/server/jobs/job-ref";
import {
  appendJobLog,
  assertRunning,
  errorMessage,
  failJobExecution,
  JobAbandonedError,
  markChunkDone,
  recordPlan,
  succeedJob,
} from "@/server/jobs/lifecycle";
import { recordRunMilestone } from "@/server/outbox/outbox";
import { injectFault, runtime } from "@/server/runtime";
import { approvalReason, enterApproval } from "./approval-policy";
import { quarantineInvoices } from "./quarantine";
import { addLineCounters, refreshRunCounters } from "./run-counters";
import { countInvoices, noRejected, startStep } from "./run-transitions";
import { loadRun } from "./runs-core";
import { cancelInvoices, planChunks, runStepChunk } from "./stages";
import { STEP_STATUS, type StepKind } from "./state-machine";

// The work of a run step (LINES, INVOICES, POSTING, CANCEL) as a job: plan the accounts into chunks, one transaction
// per chunk, then finish — the run's done status, the mode's next step and the milestone in the outbox, all in one
// transaction — or fail (the run FAILED, its milestone in the outbox). Run by either runner (server/jobs/).

const stepOf = (job: JobRef) => job.kind as StepKind;

/** Splits the job's accounts into chunks and records the plan (total) on the execution. */
async function planStep(db: Db, job: JobRef) {
  await assertRunning(db, job.jobId);
  const run = await loadRun(db, job.tenantId, job.runId);
  const { engine } = runtime().settings;
  // The chunks' memory setting: sorting a run's account ids (100,000 of them) spilled to disk with the default 4 MB.
  const plan = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('work_mem', ${engine.workMem}, true)`);
    return planChunks(tx, run, stepOf(job), Math.max(1, engine.chunkAccounts));
  });
  const count = plan.chunks.length;
  await recordPlan(db, job.jobId, plan.total, count, [{ level: "info", message: `${plan.total} accounts in ${count} chunk${count === 1 ? "" : "s"}` }]);
  return { running: true, ...plan };
}

/**
 * Two runs of a tenant claiming the same items at once: the claim's primary key lets one win and the other's
 * statement fail (or the two deadlock); the loser's chunk rolled back as a whole and is simply run again, when its
 * NOT EXISTS sees the winner's claims. Chunks of one run never collide (their accounts are disjoint).
 */
function isClaimRace(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; constraint?: string } })?.cause ?? (error as { code?: string; constraint?: string });
  return cause?.code === "40P01" || cause?.code === "40001" || (cause?.code === "23505" && cause.constraint === "rated_item_claims_pkey");
}

/**
 * One chunk in one transaction: the stage work (posting: with its invoice.posted outbox rows), the chunk's mark and
 * progress commit together, so a chunk is counted once however often it is retried.
 */
async function runStepChunkJob(db: Db, job: JobRef, chunk: JobChunk): Promise<ChunkOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runChunkOnce(db, job, chunk);
    } catch (error) {
      if (error instanceof JobAbandonedError) return { last: false, skipped: true, abandoned: true };
      if (attempt >= 5 || !isClaimRace(error)) throw error;
      await appendJobLog(db, job.jobId, "warn", `chunk ${chunk.no + 1}: ${errorMessage(error)}; retrying (attempt ${attempt + 1})`);
    }
  }
}

async function runChunkOnce(db: Db, job: JobRef, chunk: JobChunk): Promise<ChunkOutcome> {
  const result = await db.transaction(async (tx) => {
    const { doneChunks } = await assertRunning(tx, job.jobId);
    if (doneChunks.includes(chunk.no)) return { last: false, skipped: true, abandoned: false };
    const run = await loadRun(tx, job.tenantId, job.runId);
    const res = await runStepChunk(tx, run, stepOf(job), chunk, job.params);
    const lines = res.log ? [{ level: res.failures ? ("warn" as const) : ("info" as const), message: res.log }] : [];
    const mark = await markChunkDone(tx, job.jobId, chunk.no, res.done, lines);
    if (!mark) throw new JobAbandonedError(job.jobId);
    // After the job row (the lock order of finish and fail): the run row is locked only until this commit.
    if (res.lineCounters) await addLineCounters(tx, job.runId, res.lineCounters);
    return { last: mark.last, skipped: false, abandoned: false };
  });
  await injectFault({ point: "chunk-committed", job, chunk });
  if (job.kind === "POSTING" && !result.skipped) runtime().outbox.wake(db);
  return result;
}

/**
 * Finishes a job whose chunks are all done, in one transaction: the execution SUCCEEDED, counters, the run's done
 * status, the mode's next step (REVIEW: lines → drafts; AUTO_POST: through posting) and, when the run stops at drafts
 * ready or posted, that milestone in the outbox. Returns the next job, to be handed to the runner.
 */
async function finishStep(db: Db, job: JobRef): Promise<JobRef | null> {
  const { done, running } = STEP_STATUS[stepOf(job)];
  const outcome = await db.transaction(async (tx) => {
    if (!(await succeedJob(tx, job.jobId, [{ level: "info", message: "done" }]))) return null;
    await refreshRunCounters(tx, job.runId);
    await tx.execute(sql`UPDATE billing_runs SET status = ${done}::billing_run_status, updated_at = now()
      WHERE id = ${job.runId}::uuid AND status = ${running}::billing_run_status`);
    const next = await advance(tx, job);
    if (!next) {
      const run = await loadRun(tx, job.tenantId, job.runId);
      if (run.status === "DRAFTS_READY" || run.status === "POSTED") {
        await recordRunMilestone(tx, { tenantId: run.tenantId, runId: run.id, jobId: job.jobId, milestone: run.status });
        return { next, milestone: true };
      }
    }
    return { next, milestone: false };
  });
  if (outcome?.milestone) runtime().outbox.wake(db);
  return outcome?.next ?? null;
}

/** Per mode, what follows a finished step (each a conditional transition, so it happens once). */
async function advance(tx: Tx, finished: JobRef): Promise<JobRef | null> {
  const run = await loadRun(tx, finished.tenantId, finished.runId);
  if (run.disabled) return null;
  if (finished.kind === "LINES" && run.status === "LINES_CREATED" && run.mode !== "MANUAL") {
    return startStep(tx, { tenantId: run.tenantId, runId: run.id, step: "INVOICES", from: "LINES_CREATED", message: `continued (${run.mode})` });
  }
  if (finished.kind !== "INVOICES" || run.status !== "DRAFTS_READY" || run.mode !== "AUTO_POST") return null;
  // Lock the run so bulk actions cannot interleave with the on-reject handling.
  await tx.execute(sql`SELECT 1 FROM billing_runs WHERE id = ${run.id}::uuid FOR UPDATE`);
  const rejected = await countInvoices(tx, run.id, "REJECTED");
  let note = "no rejected invoices";
  if (rejected) {
    if (run.onReject === "HOLD") {
      await appendJobLog(tx, finished.jobId, "warn", `${rejected} rejected invoices: holding at DRAFTS_READY (on reject: HOLD)`);
      return null;
    }
    if (run.onReject === "QUARANTINE") {
      const q = await quarantineInvoices(tx, run, sql`status = 'REJECTED'`, "system");
      await refreshRunCounters(tx, q.quarantineRunId);
      note = `${q.ids.length} rejected invoices moved to quarantine`;
    } else {
      const c = await cancelInvoices(tx, run.tenantId, sql`billing_run_id = ${run.id}::uuid AND status = 'REJECTED'`, "REOPEN", "system", "Rejected; canceled by the run's on-reject action");
      note = `${c.ids.length} rejected invoices canceled, ${c.items} items reopened`;
    }
    await appendJobLog(tx, finished.jobId, "warn", note);
  }
  const approval = await approvalReason(tx, run.tenantId, run.id);
  if (approval) {
    await enterApproval(tx, { tenantId: run.tenantId, runId: run.id, actor: { type: "SYSTEM" }, reason: `auto-post needs approval: ${approval}`, extra: noRejected(run.id) });
    await appendJobLog(tx, finished.jobId, "info", `awaiting approval before posting (${approval})`);
    return null;
  }
  return startStep(tx, { tenantId: run.tenantId, runId: run.id, step: "POSTING", from: "DRAFTS_READY", extra: noRejected(run.id), message: `auto-post (${note})` });
}

/** A run-level failure: the execution and the run are marked FAILED, with the milestone; Process retries the step. */
async function failStep(db: Db, job: JobRef, error: unknown): Promise<void> {
  if (error instanceof JobAbandonedError) return;
  const message = errorMessage(error);
  const { running } = STEP_STATUS[stepOf(job)];
  const marked = await db.transaction(async (tx) => {
    if (!(await failJobExecution(tx, job.jobId, message))) return false;
    await refreshRunCounters(tx, job.runId);
    await tx.execute(sql`UPDATE billing_runs SET status = 'FAILED', failed_step = ${job.kind}, error_summary = ${message}, updated_at = now()
      WHERE id = ${job.runId}::uuid AND status = ${running}::billing_run_status`);
    await recordRunMilestone(tx, { tenantId: job.tenantId, runId: job.runId, jobId: job.jobId, milestone: "FAILED", error: message });
    return true;
  });
  if (marked) runtime().outbox.wake(db);
}

export const runStepHandler: JobHandler = {
  chunkConcurrency: () => runtime().settings.engine.chunkConcurrency,
  plan: planStep,
  runChunk: (db, job, chunk) => runStepChunkJob(db, job, chunk),
  finish: finishStep,
  fail: failStep,
};
