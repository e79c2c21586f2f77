import { sql, type SQL } from "drizzle-orm";
import { envInteger } from "@/lib/env-settings";
import { isEmbeddedDatabase, queryRows, type Db, type Queryable } from "@/db/client";
import { engineOptions, errorMessage, INSTANCE_ID } from "@/server/billing/engine";
import { jobLogEntries, type JobLogLine } from "@/server/billing/job-log";
import { inRange, planIdChunks, type Chunk } from "@/server/billing/stages";

// Background jobs over a run's POSTED invoices: Generate PDF, Generate XML and E-mail invoices. One lifecycle serves
// every kind: a job_executions row (one RUNNING per run and kind), a plan that splits the invoices still to do into id
// ranges (chunks), chunks that do the kind's work and count progress, and a finish that checks nothing is left.
// Each kind's work is idempotent (documents are stored ON CONFLICT DO NOTHING, e-mails carry an idempotency key), so a
// re-run, a retried chunk or a new start after a crash only does what is still missing. The lifecycle is
// driver-neutral: document-job-dispatch.ts runs it in this process or hands it to the Inngest functions.

export type DocumentJobKind = "PDF" | "XML" | "EMAIL";

export type DocumentJobRef = { tenantId: string; runId: string; jobId: string; kind: DocumentJobKind };
/** Invoices with after < id <= upTo (null: open end); `size` = how many were still to do when planned. */
export type DocumentChunk = Chunk;
export type { JobLogLine };

/** Resources held while chunks run (e.g. a PDF worker pool): one per inline job, one per Inngest chunk. */
export interface DocumentJobSession {
  /** Works on these invoices (still to do when the chunk started); returns the chunk's log lines. */
  process(invoiceIds: string[]): Promise<JobLogLine[]>;
  close(): Promise<void>;
}

/** What one kind of job does; planning, chunking, progress and finishing are shared. */
export interface DocumentJobWork {
  /** Condition on `invoices i` (already limited to the run's POSTED invoices): the invoices still to do. */
  pending(job: DocumentJobRef): SQL;
  /** Log lines written when the job is planned: how much there is to do, what is skipped and why. */
  planNotes(db: Queryable, job: DocumentJobRef, total: number): Promise<JobLogLine[]>;
  open(db: Db, job: DocumentJobRef): Promise<DocumentJobSession>;
  /** The closing line; with `failure` the job ends FAILED (e.g. invoices still pending that could not be done). */
  summary(db: Queryable, job: DocumentJobRef, remaining: number): Promise<{ message: string; failure?: string }>;
}

export const documentJobOptions = {
  /** invoices per chunk (one progress update each; one Inngest event each) */
  chunkSize: envInteger("BILLRUN_DOCUMENT_CHUNK", 50),
};

export async function workFor(kind: DocumentJobKind): Promise<DocumentJobWork> {
  if (kind === "EMAIL") return (await import("@/server/notifications/invoice-emails")).invoiceEmailWork;
  return (await import("./document-work")).documentWork(kind);
}

/** The run's POSTED invoices this job still has to do. */
const pendingInvoices = (job: DocumentJobRef, work: DocumentJobWork) => sql`FROM invoices i
  WHERE i.billing_run_id = ${job.runId}::uuid AND i.tenant_id = ${job.tenantId} AND i.status = 'POSTED' AND (${work.pending(job)})`;

/**
 * Creates the job's execution row, unless one of the same kind is running for the run (then null). A RUNNING
 * execution without heartbeat (or, on the single-process embedded database, an inline one of another instance)
 * was abandoned and is taken over.
 */
export async function createDocumentJob(
  db: Db,
  o: { tenantId: string; runId: string; kind: DocumentJobKind; driver: "inline" | "inngest"; message: string },
): Promise<DocumentJobRef | null> {
  const embedded = isEmbeddedDatabase(db);
  const stale = engineOptions.staleAfterMs;
  const jobId = await db.transaction(async (tx) => {
    await tx.execute(sql`UPDATE job_executions SET status = 'FAILED', ended_at = now(),
        error = 'abandoned: no heartbeat (the process running it stopped); taken over by a new start',
        log = log || ${jobLogEntries([{ level: "error", message: `abandoned; taken over (${o.message})` }])}
      WHERE billing_run_id = ${o.runId}::uuid AND kind = ${o.kind}::job_kind AND status = 'RUNNING'
        AND (heartbeat_at < now() - make_interval(secs => CASE WHEN driver = 'inngest' THEN ${stale.inngest / 1000}::float8 ELSE ${stale.inline / 1000}::float8 END)
          ${embedded ? sql`OR (driver IS DISTINCT FROM 'inngest' AND params->>'_instance' IS DISTINCT FROM ${INSTANCE_ID})` : sql``})`);
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO job_executions (tenant_id, billing_run_id, kind, driver, params, log)
          VALUES (${o.tenantId}, ${o.runId}::uuid, ${o.kind}::job_kind, ${o.driver}, ${JSON.stringify({ _instance: INSTANCE_ID })}::jsonb,
            ${jobLogEntries([{ level: "info", message: o.message }])})
          ON CONFLICT DO NOTHING RETURNING id`,
    );
    return rows[0]?.id ?? null;
  });
  return jobId ? { tenantId: o.tenantId, runId: o.runId, jobId, kind: o.kind } : null;
}

/** Progress of the running job of a kind, for "already running (3/10)" messages. */
export async function runningDocumentJob(db: Queryable, runId: string, kind: DocumentJobKind) {
  const [row] = await queryRows<{ done: number; total: number }>(
    db,
    sql`SELECT done, total FROM job_executions WHERE billing_run_id = ${runId}::uuid AND kind = ${kind}::job_kind AND status = 'RUNNING' LIMIT 1`,
  );
  return row ?? null;
}

async function jobState(db: Queryable, jobId: string) {
  const [row] = await queryRows<{ status: string; done_chunks: number[]; chunks_total: number }>(
    db,
    sql`SELECT status, done_chunks, chunks_total FROM job_executions WHERE id = ${jobId}::uuid`,
  );
  return row ?? null;
}

/** Splits what is still to do into chunks of invoice ids and records the plan (total, notes) on the execution. */
export async function planDocumentJob(db: Db, job: DocumentJobRef): Promise<{ running: boolean; chunks: DocumentChunk[]; total: number }> {
  if ((await jobState(db, job.jobId))?.status !== "RUNNING") return { running: false, chunks: [], total: 0 };
  const work = await workFor(job.kind);
  const { chunks, total } = await planIdChunks(db, sql`SELECT i.id ${pendingInvoices(job, work)}`, Math.max(1, documentJobOptions.chunkSize));
  const notes = await work.planNotes(db, job, total);
  await db.execute(sql`UPDATE job_executions SET total = ${total}, chunks_total = ${chunks.length}, heartbeat_at = now(),
      log = log || ${jobLogEntries(notes)}
    WHERE id = ${job.jobId}::uuid AND status = 'RUNNING'`);
  return { running: true, chunks, total };
}

export type DocumentChunkResult = { last: boolean; skipped: boolean; abandoned: boolean };

/**
 * One chunk: the kind's work on the chunk's invoices that are still to do, then the chunk's mark and progress in
 * one conditional update, so a chunk is counted once however often it is retried. `last`: every chunk is done.
 * A session (open resources) may be passed by a caller that runs several chunks; otherwise one is opened here.
 */
export async function runDocumentChunk(db: Db, job: DocumentJobRef, chunk: DocumentChunk, session?: DocumentJobSession): Promise<DocumentChunkResult> {
  const state = await jobState(db, job.jobId);
  if (state?.status !== "RUNNING") return { last: false, skipped: true, abandoned: true };
  if ((state.done_chunks ?? []).includes(chunk.no)) return { last: false, skipped: true, abandoned: false };
  const work = await workFor(job.kind);
  const ids = await queryRows<{ id: string }>(db, sql`SELECT i.id ${pendingInvoices(job, work)} AND ${inRange(sql`i.id`, chunk)} ORDER BY i.id`);
  let lines: JobLogLine[] = [];
  if (ids.length) {
    const own = session ?? (await work.open(db, job));
    try {
      lines = await own.process(ids.map((r) => r.id));
    } finally {
      if (!session) await own.close();
    }
  }
  const prefix = `chunk ${chunk.no + 1}/${state.chunks_total}: `;
  const logged = lines.length ? lines.map((l, i) => (i === 0 ? { ...l, message: prefix + l.message } : l)) : [{ level: "info" as const, message: `${prefix}nothing left to do` }];
  const [mark] = await queryRows<{ n: number; chunks_total: number }>(
    db,
    sql`UPDATE job_executions SET done = LEAST(total, done + ${chunk.size}), done_chunks = array_append(done_chunks, ${chunk.no}::int),
          heartbeat_at = now(), log = log || ${jobLogEntries(logged)}
        WHERE id = ${job.jobId}::uuid AND status = 'RUNNING' AND NOT (${chunk.no}::int = ANY(done_chunks))
        RETURNING cardinality(done_chunks) AS n, chunks_total`,
  );
  if (!mark) return { last: false, skipped: true, abandoned: (await jobState(db, job.jobId))?.status !== "RUNNING" };
  return { last: Number(mark.n) >= Number(mark.chunks_total), skipped: false, abandoned: false };
}

/** Ends the job: SUCCEEDED when nothing is left to do, FAILED (with the work's reason) otherwise. */
export async function finishDocumentJob(db: Db, job: DocumentJobRef): Promise<{ status: "SUCCEEDED" | "FAILED" | null }> {
  if ((await jobState(db, job.jobId))?.status !== "RUNNING") return { status: null };
  const work = await workFor(job.kind);
  const [{ n: remaining }] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n ${pendingInvoices(job, work)}`);
  const { message, failure } = await work.summary(db, job, remaining);
  if (failure) {
    await db.execute(sql`UPDATE job_executions SET status = 'FAILED', ended_at = now(), heartbeat_at = now(), error = ${failure},
        log = log || ${jobLogEntries([{ level: "info", message }, { level: "error", message: failure }])}
      WHERE id = ${job.jobId}::uuid AND status = 'RUNNING'`);
    return { status: "FAILED" };
  }
  await db.execute(sql`UPDATE job_executions SET status = 'SUCCEEDED', ended_at = now(), heartbeat_at = now(),
      log = log || ${jobLogEntries([{ level: "info", message }])}
    WHERE id = ${job.jobId}::uuid AND status = 'RUNNING'`);
  return { status: "SUCCEEDED" };
}

/** Records a job-level failure (the error's message on the execution and in its log). */
export async function failDocumentJob(db: Queryable, job: Pick<DocumentJobRef, "jobId">, error: unknown): Promise<void> {
  const message = errorMessage(error);
  await db.execute(sql`UPDATE job_executions SET status = 'FAILED', ended_at = now(), error = ${message},
      log = log || ${jobLogEntries([{ level: "error", message }])}
    WHERE id = ${job.jobId}::uuid AND status = 'RUNNING'`);
}
