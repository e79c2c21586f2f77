import { sql } from "drizzle-orm";
import { isEmbeddedDatabase, queryRows, type Queryable, type Tx } from "@/db/client";
import { jobLogEntries, jobLogEntry, type JobLogLine } from "@/server/billing/job-log";
import { runtime } from "@/server/runtime";
import type { JobKind, JobRef } from "./job-ref";

// One lifecycle for every background job (run steps, document jobs, e-mail jobs) over job_executions: create (in the
// transaction of the transition that starts it), plan, heartbeat, takeover of an abandoned job, chunk done, finish,
// fail. Every change is a conditional UPDATE on `status = 'RUNNING'`, so a job finished, failed or taken over elsewhere
// is never written to again, and a chunk is counted once however often it runs.

export class JobAbandonedError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} is no longer running (failed or taken over); stopping`);
    this.name = "JobAbandonedError";
  }
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

/** Creates the execution row (RUNNING); null when one of the kind already runs for the run (unique index). */
export async function createJob(
  tx: Tx,
  o: { tenantId: string; runId: string; kind: JobKind; params?: Record<string, unknown>; message: string },
): Promise<JobRef | null> {
  const { instanceId, jobs } = runtime();
  const params = { ...(o.params ?? {}), _instance: instanceId };
  const [row] = await queryRows<{ id: string }>(
    tx,
    sql`INSERT INTO job_executions (tenant_id, billing_run_id, kind, driver, params, log)
        VALUES (${o.tenantId}, ${o.runId}::uuid, ${o.kind}::job_kind, ${jobs.name}, ${JSON.stringify(params)}::jsonb, ${jobLogEntry("info", o.message)})
        ON CONFLICT DO NOTHING RETURNING id`,
  );
  return row ? { tenantId: o.tenantId, runId: o.runId, jobId: row.id, kind: o.kind, params } : null;
}

/** A job's parameters without the instance mark (to start the same work again). */
export function workParams(params: Record<string, unknown>): Record<string, unknown> {
  const { _instance: _ignored, ...rest } = params;
  return rest;
}

export type RunningJob = { id: string; driver: string | null; staleMs: number; params: Record<string, unknown>; done: number; total: number };

/** The RUNNING execution of a kind for a run, if any. */
export async function runningJob(db: Queryable, runId: string, kind: JobKind): Promise<RunningJob | null> {
  const [row] = await queryRows<{ id: string; driver: string | null; stale_ms: string | number; params: Record<string, unknown>; done: number; total: number }>(
    db,
    sql`SELECT id, driver, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint AS stale_ms, params, done, total
        FROM job_executions WHERE billing_run_id = ${runId}::uuid AND kind = ${kind}::job_kind AND status = 'RUNNING'
        ORDER BY started_at DESC LIMIT 1`,
  );
  return row ? { id: row.id, driver: row.driver, staleMs: Number(row.stale_ms), params: row.params ?? {}, done: row.done, total: row.total } : null;
}

/**
 * A RUNNING job whose process stopped: no heartbeat for longer than the driver's limit, or, on the single-process
 * embedded database, an inline job started by another instance of the app.
 */
export function isAbandoned(db: Queryable, job: RunningJob): boolean {
  const { settings, instanceId } = runtime();
  const inline = job.driver !== "inngest";
  if (job.staleMs > (inline ? settings.jobs.staleAfterMs.inline : settings.jobs.staleAfterMs.inngest)) return true;
  return inline && isEmbeddedDatabase(db) && job.params._instance !== instanceId;
}

/** Marks an abandoned execution FAILED so a new one can take over its work; false when it already ended. */
export async function abandonJob(tx: Queryable, jobId: string, reason: string, logMessage: string): Promise<boolean> {
  const rows = await queryRows(
    tx,
    sql`UPDATE job_executions SET status = 'FAILED', ended_at = now(), error = ${reason}, log = log || ${jobLogEntry("error", logMessage)}
        WHERE id = ${jobId}::uuid AND status = 'RUNNING' RETURNING id`,
  );
  return rows.length > 0;
}

export async function heartbeat(db: Queryable, jobId: string): Promise<void> {
  await db.execute(sql`UPDATE job_executions SET heartbeat_at = now() WHERE id = ${jobId}::uuid AND status = 'RUNNING'`);
}

export async function appendJobLog(db: Queryable, jobId: string, level: JobLogLine["level"], message: string): Promise<void> {
  await db.execute(sql`UPDATE job_executions SET log = log || ${jobLogEntry(level, message)} WHERE id = ${jobId}::uuid`);
}

export type JobState = { status: string; doneChunks: number[]; chunksTotal: number };

export async function jobState(db: Queryable, jobId: string): Promise<JobState | null> {
  const [row] = await queryRows<{ status: string; done_chunks: number[] | null; chunks_total: number }>(
    db,
    sql`SELECT status, done_chunks, chunks_total FROM job_executions WHERE id = ${jobId}::uuid`,
  );
  return row ? { status: row.status, doneChunks: row.done_chunks ?? [], chunksTotal: Number(row.chunks_total) } : null;
}

/** The job's state, or JobAbandonedError when it is no longer RUNNING. */
export async function assertRunning(db: Queryable, jobId: string): Promise<JobState> {
  const state = await jobState(db, jobId);
  if (state?.status !== "RUNNING") throw new JobAbandonedError(jobId);
  return state;
}

/** Records the plan: how much there is to do, in how many chunks, with the plan's notes. */
export async function recordPlan(db: Queryable, jobId: string, total: number, chunks: number, notes: JobLogLine[]): Promise<void> {
  await db.execute(
    sql`UPDATE job_executions SET total = ${total}, chunks_total = ${chunks}, heartbeat_at = now(),
          log = log || ${jobLogEntries(notes)}
        WHERE id = ${jobId}::uuid AND status = 'RUNNING'`,
  );
}

/**
 * A chunk is done: its number, progress and log lines in one conditional UPDATE, in the caller's transaction with the
 * chunk's work. Null when the chunk was already counted or the job is no longer running.
 */
export async function markChunkDone(
  db: Queryable,
  jobId: string,
  chunkNo: number,
  progress: number,
  lines: JobLogLine[],
): Promise<{ last: boolean } | null> {
  const [mark] = await queryRows<{ n: number; chunks_total: number }>(
    db,
    sql`UPDATE job_executions SET done = LEAST(total, done + ${progress}), done_chunks = array_append(done_chunks, ${chunkNo}::int),
          heartbeat_at = now(), log = log || ${jobLogEntries(lines)}
        WHERE id = ${jobId}::uuid AND status = 'RUNNING' AND NOT (${chunkNo}::int = ANY(done_chunks))
        RETURNING cardinality(done_chunks) AS n, chunks_total`,
  );
  return mark ? { last: Number(mark.n) >= Number(mark.chunks_total) } : null;
}

/** RUNNING → SUCCEEDED; false when the job had already ended. */
export async function succeedJob(db: Queryable, jobId: string, lines: JobLogLine[]): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`UPDATE job_executions SET status = 'SUCCEEDED', ended_at = now(), heartbeat_at = now(), log = log || ${jobLogEntries(lines)}
        WHERE id = ${jobId}::uuid AND status = 'RUNNING' RETURNING id`,
  );
  return rows.length > 0;
}

/** RUNNING → FAILED with the error; false when the job had already ended. */
export async function failJobExecution(db: Queryable, jobId: string, error: string, lines: JobLogLine[] = [{ level: "error", message: error }]): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`UPDATE job_executions SET status = 'FAILED', ended_at = now(), heartbeat_at = now(), error = ${error}, log = log || ${jobLogEntries(lines)}
        WHERE id = ${jobId}::uuid AND status = 'RUNNING' RETURNING id`,
  );
  return rows.length > 0;
}
