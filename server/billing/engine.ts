import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { isEmbeddedDatabase, queryRows, type Db, type Queryable, type Tx } from "@/db/client";
import { conflict, DomainError } from "@/server/errors";
import { getJobDriver } from "./dispatch";
import { emitRunMilestone } from "./milestones";
// side effects: run milestones publish outgoing webhooks, send run e-mails and e-mail posted invoices to customers
import "@/server/webhooks/milestone-listener";
import "@/server/notifications/run-notifications";
import "@/server/notifications/invoice-email-listener";
import { quarantineInvoices } from "./quarantine";
import { formatRunNumber } from "./run-list";
import { actorLabel, loadRun, type Actor, type RunRow } from "./runs-core";
import { engineOptions } from "./engine-options";
import { jobLogEntry } from "./job-log";
import { addLineCounters, refreshRunCounters } from "./run-counters";
import { cancelInvoices, planChunks, runStepChunk, type Chunk } from "./stages";
import { CANCELABLE, nextStep, RUNNING_STATUSES, STEP_STATUS, stepOfRunningStatus, type RunStatus, type StepKind } from "./state-machine";

// The run engine: conditional transitions that start jobs, and the driver-neutral job lifecycle
// (plan → chunks → finish → advance) that both the Inngest functions and the inline driver call.

export type JobRef = {
  tenantId: string;
  runId: string;
  jobId: string;
  kind: StepKind;
  params: Record<string, unknown>;
};

export { engineOptions } from "./engine-options";

/** This process: an inline job of another instance on the embedded (single-process) database is dead. */
export const INSTANCE_ID = randomUUID();

type FaultInjector = (point: { job: JobRef; chunk: Chunk }) => void | Promise<void>;
const faults = globalThis as unknown as { billrunFaultInjector?: FaultInjector | null };
/** Tests: called after each chunk commits, i.e. between chunks; throwing simulates a crash there. */
export function setFaultInjector(fn: FaultInjector | null) {
  faults.billrunFaultInjector = fn;
}

export class JobAbandonedError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} is no longer running (failed or taken over); stopping`);
    this.name = "JobAbandonedError";
  }
}


export async function appendJobLog(db: Queryable, jobId: string, level: "info" | "warn" | "error", message: string) {
  await db.execute(sql`UPDATE job_executions SET log = log || ${jobLogEntry(level, message)} WHERE id = ${jobId}::uuid`);
}

// ---------------------------------------------------------------------------------------------------------------
// Transitions

type StartOptions = {
  tenantId: string;
  runId: string;
  step: StepKind;
  from: RunStatus;
  driver: string;
  params?: Record<string, unknown>;
  failedStep?: string | null;
  extra?: SQL;
  message: string;
};

/** One conditional UPDATE moves the run into the step's running status; the job row is created with it. */
async function startStep(tx: Tx, o: StartOptions): Promise<JobRef | null> {
  const conditions: SQL[] = [
    sql`id = ${o.runId}::uuid`,
    sql`tenant_id = ${o.tenantId}`,
    sql`status = ${o.from}::billing_run_status`,
    sql`NOT disabled`,
  ];
  if (o.from === "FAILED") conditions.push(sql`failed_step IS NOT DISTINCT FROM ${o.failedStep ?? null}::text`);
  if (o.extra) conditions.push(o.extra);
  const moved = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE billing_runs SET status = ${STEP_STATUS[o.step].running}::billing_run_status, failed_step = NULL, error_summary = NULL,
          updated_at = now()
        WHERE ${sql.join(conditions, sql` AND `)} RETURNING id`,
  );
  if (!moved.length) return null;
  const params = { ...(o.params ?? {}), _instance: INSTANCE_ID };
  const [job] = await queryRows<{ id: string }>(
    tx,
    sql`INSERT INTO job_executions (tenant_id, billing_run_id, kind, driver, params, log)
        VALUES (${o.tenantId}, ${o.runId}::uuid, ${o.step}::job_kind, ${o.driver}, ${JSON.stringify(params)}::jsonb, ${jobLogEntry("info", o.message)})
        RETURNING id`,
  );
  return { tenantId: o.tenantId, runId: o.runId, jobId: job.id, kind: o.step, params };
}

const noRejected = (runId: string) =>
  sql`NOT EXISTS (SELECT 1 FROM invoices WHERE billing_run_id = ${runId}::uuid AND status = 'REJECTED')`;
const nothingPosted = (runId: string) =>
  sql`NOT EXISTS (SELECT 1 FROM invoices WHERE billing_run_id = ${runId}::uuid AND status = 'POSTED')`;

async function countInvoices(db: Queryable, runId: string, status: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM invoices WHERE billing_run_id = ${runId}::uuid AND status = ${status}::invoice_status`,
  );
  return row.n;
}

export type ProcessResult = { started: boolean; jobId?: string; step?: StepKind; status: RunStatus; message: string };

/**
 * Process: moves the run to its next step (Post in DRAFTS_READY, retry of the failed step in FAILED, takeover of
 * an abandoned job in a running status). Two concurrent calls start exactly one job; the other gets CONFLICT.
 */
export async function requestProcess(db: Db, tenantId: string, runId: string, actor: Actor): Promise<ProcessResult> {
  const run = await loadRun(db, tenantId, runId);
  const label = formatRunNumber(run.number);
  if (run.status === "POSTED") return { started: false, status: run.status, message: `${label} is already posted; nothing to do` };
  if (run.disabled) throw conflict(`${label} is disabled: enable it before processing`);
  if (run.status === "CANCELED" || run.status === "CANCELING") throw conflict(`${label} is canceled and cannot be processed`);
  const driver = await getJobDriver();
  if (RUNNING_STATUSES.includes(run.status)) return takeOver(db, run, actor, driver.name);

  const step = nextStep(run.status, run.failedStep)!;
  if (step === "POSTING") {
    const rejected = await countInvoices(db, run.id, "REJECTED");
    if (rejected) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `${label} has ${rejected} rejected invoice${rejected > 1 ? "s" : ""}: validate, quarantine or cancel ${rejected > 1 ? "them" : "it"} before posting`,
      );
    }
  }
  const job = await db.transaction(async (tx) =>
    startStep(tx, {
      tenantId,
      runId,
      step,
      from: run.status,
      failedStep: run.failedStep,
      driver: driver.name,
      params: run.status === "FAILED" ? ((await lastJobParams(tx, run.id, step)) ?? {}) : {},
      extra: step === "POSTING" ? noRejected(run.id) : undefined,
      message: `${run.status === "FAILED" ? "retry of the failed step" : "started"} by ${actorLabel(actor)}`,
    }),
  );
  if (!job) return refuseAfterRace(db, tenantId, runId);
  await driver.start(db, job);
  return { started: true, jobId: job.jobId, step, status: STEP_STATUS[step].running, message: `${label}: ${step.toLowerCase()} started` };
}

async function lastJobParams(db: Queryable, runId: string, kind: StepKind) {
  const [row] = await queryRows<{ params: Record<string, unknown> }>(
    db,
    sql`SELECT params FROM job_executions WHERE billing_run_id = ${runId}::uuid AND kind = ${kind}::job_kind
        ORDER BY started_at DESC LIMIT 1`,
  );
  if (!row) return null;
  const { _instance: _ignored, ...rest } = row.params;
  return rest;
}

async function refuseAfterRace(db: Db, tenantId: string, runId: string): Promise<never> {
  const now = await loadRun(db, tenantId, runId);
  const label = formatRunNumber(now.number);
  if (now.disabled) throw conflict(`${label} is disabled: enable it before processing`);
  if (RUNNING_STATUSES.includes(now.status)) throw conflict(`${label} is already processing (${now.status})`);
  if (now.status === "DRAFTS_READY" && (await countInvoices(db, runId, "REJECTED"))) {
    throw new DomainError("PRECONDITION_FAILED", `${label} has rejected invoices: validate, quarantine or cancel them before posting`);
  }
  throw conflict(`${label} changed while you asked (now ${now.status}); reload and try again`);
}

type RunningJob = { id: string; kind: StepKind; driver: string | null; stale_ms: number; params: Record<string, unknown>; done: number; total: number };

async function takeOver(db: Db, run: RunRow, actor: Actor, driverName: string): Promise<ProcessResult> {
  const label = formatRunNumber(run.number);
  const step = stepOfRunningStatus(run.status)!;
  const [job] = await queryRows<RunningJob>(
    db,
    sql`SELECT id, kind, driver, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint AS stale_ms, params, done, total
        FROM job_executions WHERE billing_run_id = ${run.id}::uuid AND kind = ${step}::job_kind AND status = 'RUNNING'
        ORDER BY started_at DESC LIMIT 1`,
  );
  if (job && !isAbandoned(db, job)) {
    throw conflict(`${label} is already processing (${run.status.toLowerCase().replace("_", " ")}, ${job.done}/${job.total})`);
  }
  const next = await db.transaction(async (tx) => {
    if (job) {
      const taken = await queryRows(
        tx,
        sql`UPDATE job_executions SET status = 'FAILED', ended_at = now(),
              error = 'abandoned: no heartbeat (the process running it stopped); taken over by Process',
              log = log || ${jobLogEntry("error", `abandoned; taken over by ${actorLabel(actor)}`)}
            WHERE id = ${job.id}::uuid AND status = 'RUNNING' RETURNING id`,
      );
      if (!taken.length) return null;
    }
    const touched = await queryRows(
      tx,
      sql`UPDATE billing_runs SET updated_at = now() WHERE id = ${run.id}::uuid AND status = ${run.status}::billing_run_status
          AND NOT disabled RETURNING id`,
    );
    if (!touched.length) return null;
    const { _instance: _ignored, ...params } = job?.params ?? {};
    const newParams = { ...params, _instance: INSTANCE_ID };
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO job_executions (tenant_id, billing_run_id, kind, driver, params, log)
          VALUES (${run.tenantId}, ${run.id}::uuid, ${step}::job_kind, ${driverName}, ${JSON.stringify(newParams)}::jsonb,
            ${jobLogEntry("info", `resumed by ${actorLabel(actor)} after an abandoned execution`)})
          RETURNING id`,
    );
    return { tenantId: run.tenantId, runId: run.id, jobId: row.id, kind: step, params: newParams } satisfies JobRef;
  });
  if (!next) throw conflict(`${label} is already processing`);
  await (await getJobDriver()).start(db, next);
  return { started: true, jobId: next.jobId, step, status: run.status, message: `${label}: ${step.toLowerCase()} resumed` };
}

function isAbandoned(db: Db, job: RunningJob): boolean {
  const inline = job.driver !== "inngest";
  if (Number(job.stale_ms) > (inline ? engineOptions.staleAfterMs.inline : engineOptions.staleAfterMs.inngest)) return true;
  // The embedded database is opened by one process only: an inline job started by another instance is dead.
  const embedded = isEmbeddedDatabase(db);
  return inline && embedded && job.params._instance !== INSTANCE_ID;
}

/** Cancel: refused once any invoice of the run is posted; items are reopened or canceled by the cancel job. */
export async function requestCancel(db: Db, tenantId: string, runId: string, items: "REOPEN" | "CANCEL", actor: Actor) {
  const run = await loadRun(db, tenantId, runId);
  const label = formatRunNumber(run.number);
  if (run.status === "CANCELED" || run.status === "CANCELING") throw conflict(`${label} is already ${run.status.toLowerCase()}`);
  if (run.status === "POSTED") throw new DomainError("PRECONDITION_FAILED", `${label} is posted and cannot be canceled`);
  if (!CANCELABLE.includes(run.status)) throw conflict(`${label} is processing (${run.status}); cancel it when the job is done`);
  if (run.disabled) throw conflict(`${label} is disabled: enable it before canceling`);
  const posted = await countInvoices(db, run.id, "POSTED");
  if (posted) throw new DomainError("PRECONDITION_FAILED", `${label} has ${posted} posted invoice${posted > 1 ? "s" : ""} and cannot be canceled`);
  const driver = await getJobDriver();
  const job = await db.transaction((tx) =>
    startStep(tx, {
      tenantId,
      runId,
      step: "CANCEL",
      from: run.status,
      failedStep: run.failedStep,
      driver: driver.name,
      params: { items },
      extra: nothingPosted(run.id),
      message: `cancel (${items === "REOPEN" ? "reopen" : "cancel"} rated items) by ${actorLabel(actor)}`,
    }),
  );
  if (!job) {
    const now = await loadRun(db, tenantId, runId);
    if (now.status === "CANCELING" || now.status === "CANCELED") throw conflict(`${label} is already being canceled`);
    throw conflict(`${label} changed while you asked (now ${now.status}); reload and try again`);
  }
  await driver.start(db, job);
  return { started: true, jobId: job.jobId, status: "CANCELING" as const };
}

// ---------------------------------------------------------------------------------------------------------------
// Job lifecycle (driver-neutral)

async function assertRunning(db: Queryable, jobId: string): Promise<{ doneChunks: number[] }> {
  const [row] = await queryRows<{ status: string; done_chunks: number[] }>(
    db,
    sql`SELECT status, done_chunks FROM job_executions WHERE id = ${jobId}::uuid`,
  );
  if (!row || row.status !== "RUNNING") throw new JobAbandonedError(jobId);
  return { doneChunks: row.done_chunks ?? [] };
}

/** Splits the job's accounts into chunks and records the plan (total) on the execution. */
export async function planJob(db: Db, job: JobRef): Promise<{ chunks: Chunk[]; total: number }> {
  await assertRunning(db, job.jobId);
  const run = await loadRun(db, job.tenantId, job.runId);
  // The chunks' memory setting: sorting a run's account ids (100,000 of them) spilled to disk with the default 4 MB.
  const plan = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('work_mem', ${engineOptions.workMem}, true)`);
    return planChunks(tx, run, job.kind, Math.max(1, engineOptions.chunkAccounts));
  });
  await db.execute(
    sql`UPDATE job_executions SET total = ${plan.total}, chunks_total = ${plan.chunks.length}, heartbeat_at = now(),
          log = log || ${jobLogEntry("info", `${plan.total} accounts in ${plan.chunks.length} chunk${plan.chunks.length === 1 ? "" : "s"}`)}
        WHERE id = ${job.jobId}::uuid AND status = 'RUNNING'`,
  );
  return plan;
}

/**
 * One chunk in one transaction: the stage work, the chunk's mark and the progress commit together, so a chunk is
 * counted once however often it is retried. `last` tells the caller that every chunk of the job is done.
 */
export async function runChunk(db: Db, job: JobRef, chunk: Chunk): Promise<{ last: boolean; skipped: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runChunkOnce(db, job, chunk);
    } catch (error) {
      if (attempt >= 5 || !isClaimRace(error)) throw error;
      await appendJobLog(db, job.jobId, "warn", `chunk ${chunk.no + 1}: ${errorMessage(error)}; retrying (attempt ${attempt + 1})`);
    }
  }
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

async function runChunkOnce(db: Db, job: JobRef, chunk: Chunk): Promise<{ last: boolean; skipped: boolean }> {
  const result = await db.transaction(async (tx) => {
    const { doneChunks } = await assertRunning(tx, job.jobId);
    if (doneChunks.includes(chunk.no)) return { last: false, skipped: true };
    const run = await loadRun(tx, job.tenantId, job.runId);
    const res = await runStepChunk(tx, run, job.kind, chunk, job.params);
    const [mark] = await queryRows<{ n: number; chunks_total: number }>(
      tx,
      sql`UPDATE job_executions SET done = done + ${res.done}, done_chunks = array_append(done_chunks, ${chunk.no}::int),
            heartbeat_at = now(), log = CASE WHEN ${res.log ?? null}::text IS NULL THEN log ELSE log || ${jobLogEntry(res.failures ? "warn" : "info", res.log ?? "")} END
          WHERE id = ${job.jobId}::uuid AND status = 'RUNNING' AND NOT (${chunk.no}::int = ANY(done_chunks))
          RETURNING cardinality(done_chunks) AS n, chunks_total`,
    );
    if (!mark) throw new JobAbandonedError(job.jobId);
    // After the job row (the lock order of finishJob and failJob): the run row is locked only until this commit.
    if (res.lineCounters) await addLineCounters(tx, job.runId, res.lineCounters);
    return { last: Number(mark.n) >= Number(mark.chunks_total), skipped: false };
  });
  await faults.billrunFaultInjector?.({ job, chunk });
  return result;
}

/** Keeps an inline job alive in the eyes of takeOver while one long chunk runs. */
export async function heartbeat(db: Queryable, jobId: string) {
  await db.execute(sql`UPDATE job_executions SET heartbeat_at = now() WHERE id = ${jobId}::uuid AND status = 'RUNNING'`);
}

/**
 * Finishes a job whose chunks are all done: counters, the run's done status, the execution SUCCEEDED.
 * Then advances per mode (REVIEW: lines → drafts; AUTO_POST: through posting) and returns the next job, if any.
 */
export async function finishJob(db: Db, job: JobRef): Promise<JobRef | null> {
  const { done, running } = STEP_STATUS[job.kind];
  const finished = await db.transaction(async (tx) => {
    const ended = await queryRows(
      tx,
      sql`UPDATE job_executions SET status = 'SUCCEEDED', ended_at = now(), heartbeat_at = now(),
            log = log || ${jobLogEntry("info", "done")}
          WHERE id = ${job.jobId}::uuid AND status = 'RUNNING' RETURNING id`,
    );
    if (!ended.length) return false;
    await refreshRunCounters(tx, job.runId);
    await tx.execute(sql`UPDATE billing_runs SET status = ${done}::billing_run_status, updated_at = now()
      WHERE id = ${job.runId}::uuid AND status = ${running}::billing_run_status`);
    return true;
  });
  if (!finished) return null;
  const next = await advance(db, job);
  if (!next) {
    const run = await loadRun(db, job.tenantId, job.runId);
    if (run.status === "DRAFTS_READY" || run.status === "POSTED") {
      await emitRunMilestone({ db, tenantId: run.tenantId, runId: run.id, milestone: run.status });
    }
  }
  return next;
}

/** Per mode, what follows a finished step (each a conditional transition, so it happens once). */
async function advance(db: Db, finished: JobRef): Promise<JobRef | null> {
  const run = await loadRun(db, finished.tenantId, finished.runId);
  if (run.disabled) return null;
  const driver = (await getJobDriver()).name;
  if (finished.kind === "LINES" && run.status === "LINES_CREATED" && run.mode !== "MANUAL") {
    return db.transaction((tx) =>
      startStep(tx, { tenantId: run.tenantId, runId: run.id, step: "INVOICES", from: "LINES_CREATED", driver, message: `continued (${run.mode})` }),
    );
  }
  if (finished.kind === "INVOICES" && run.status === "DRAFTS_READY" && run.mode === "AUTO_POST") {
    return db.transaction(async (tx) => {
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
      return startStep(tx, {
        tenantId: run.tenantId,
        runId: run.id,
        step: "POSTING",
        from: "DRAFTS_READY",
        driver,
        extra: noRejected(run.id),
        message: `auto-post (${note})`,
      });
    });
  }
  return null;
}

/** A run-level failure: the execution and the run are marked FAILED; Process retries the failed step. */
export async function failJob(db: Db, job: JobRef, error: unknown): Promise<void> {
  if (error instanceof JobAbandonedError) return;
  const message = errorMessage(error);
  const { running } = STEP_STATUS[job.kind];
  const marked = await db.transaction(async (tx) => {
    const rows = await queryRows(
      tx,
      sql`UPDATE job_executions SET status = 'FAILED', ended_at = now(), error = ${message},
            log = log || ${jobLogEntry("error", message)}
          WHERE id = ${job.jobId}::uuid AND status = 'RUNNING' RETURNING id`,
    );
    if (!rows.length) return false;
    await refreshRunCounters(tx, job.runId);
    await tx.execute(sql`UPDATE billing_runs SET status = 'FAILED', failed_step = ${job.kind}, error_summary = ${message}, updated_at = now()
      WHERE id = ${job.runId}::uuid AND status = ${running}::billing_run_status`);
    return true;
  });
  if (marked) await emitRunMilestone({ db, tenantId: job.tenantId, runId: job.runId, milestone: "FAILED", error: message });
}

/** The database's own message rather than the driver's "Failed query: <whole SQL>" wrapper. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    if (error.message.startsWith("Failed query") && cause instanceof Error) return cause.message;
    return error.message;
  }
  return String(error);
}
