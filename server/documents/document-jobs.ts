import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db, type Queryable } from "@/db/client";
import type { JobLogLine } from "@/server/billing/job-log";
import { inRange, planIdChunks } from "@/server/billing/stages";
import type { JobHandler, JobSession } from "@/server/jobs/job-handler";
import type { ChunkOutcome, DocumentJobKind, JobChunk, JobRef } from "@/server/jobs/job-ref";
import { abandonJob, createJob, errorMessage, failJobExecution, isAbandoned, jobState, markChunkDone, recordPlan, runningJob, succeedJob } from "@/server/jobs/lifecycle";
import { runtime } from "@/server/runtime";

// Background jobs over a run's POSTED invoices: Generate PDF, Generate XML and E-mail invoices, on the one job
// lifecycle (server/jobs/): a plan that splits the invoices still to do into id ranges (chunks), chunks that do the
// kind's work and count progress, and a finish that checks nothing is left. Each kind's work is idempotent (documents
// are stored ON CONFLICT DO NOTHING, e-mails carry an idempotency key), so a re-run, a retried chunk or a new start
// after a crash only does what is still missing.

export type { DocumentJobKind };
export type DocumentJobRef = { tenantId: string; runId: string; jobId: string; kind: DocumentJobKind };
export type DocumentChunk = JobChunk;
export type { JobLogLine };

/** Resources held while chunks run (e.g. a PDF worker pool): one per inline job, one per Inngest chunk. */
export interface DocumentJobSession extends JobSession {
  /** Works on these invoices (still to do when the chunk started); returns the chunk's log lines. */
  process(invoiceIds: string[]): Promise<JobLogLine[]>;
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

/** The kinds' work, loaded when a job of the kind runs (the PDF renderer is heavy). */
async function workFor(kind: DocumentJobKind): Promise<DocumentJobWork> {
  if (kind === "EMAIL") return (await import("@/server/notifications/invoice-email-work")).invoiceEmailWork;
  return (await import("./document-work")).documentWork(kind);
}

const asDocumentJob = (job: JobRef): DocumentJobRef => ({ tenantId: job.tenantId, runId: job.runId, jobId: job.jobId, kind: job.kind as DocumentJobKind });

/** The run's POSTED invoices this job still has to do. */
const pendingInvoices = (job: DocumentJobRef, work: DocumentJobWork) => sql`FROM invoices i
  WHERE i.billing_run_id = ${job.runId}::uuid AND i.tenant_id = ${job.tenantId} AND i.status = 'POSTED' AND (${work.pending(job)})`;

/**
 * Creates the job's execution row, unless one of the same kind is running for the run (then null). A RUNNING
 * execution that was abandoned (no heartbeat; on the embedded database, another instance's) is taken over.
 */
export async function createDocumentJob(db: Db, o: { tenantId: string; runId: string; kind: DocumentJobKind; message: string }): Promise<JobRef | null> {
  return db.transaction(async (tx) => {
    const running = await runningJob(tx, o.runId, o.kind);
    if (running && isAbandoned(tx, running)) {
      await abandonJob(tx, running.id, "abandoned: no heartbeat (the process running it stopped); taken over by a new start", `abandoned; taken over (${o.message})`);
    }
    return createJob(tx, { tenantId: o.tenantId, runId: o.runId, kind: o.kind, message: o.message });
  });
}

/**
 * Creates the job (null when one of the kind already runs for the run) and hands it to the runner. If the hand-over
 * fails (e.g. Inngest unreachable), the job is marked FAILED with that error and the error is rethrown.
 */
export async function startDocumentJob(
  db: Db,
  o: { tenantId: string; runId: string; kind: DocumentJobKind; message: string },
): Promise<(DocumentJobRef & { driver: "inline" | "inngest" }) | null> {
  const job = await createDocumentJob(db, o);
  if (!job) return null;
  const runner = runtime().jobs;
  try {
    await runner.start(db, job);
  } catch (error) {
    await failJobExecution(db, job.jobId, errorMessage(error)).catch(() => {});
    throw error;
  }
  return { ...asDocumentJob(job), driver: runner.name };
}

/** Progress of the running job of a kind, for "already running (3/10)" messages. */
export async function runningDocumentJob(db: Queryable, runId: string, kind: DocumentJobKind) {
  const job = await runningJob(db, runId, kind);
  return job ? { done: job.done, total: job.total } : null;
}

/** Splits what is still to do into chunks of invoice ids and records the plan (total, notes) on the execution. */
export async function planDocumentJob(db: Db, ref: JobRef) {
  const job = asDocumentJob(ref);
  if ((await jobState(db, job.jobId))?.status !== "RUNNING") return { running: false, chunks: [], total: 0 };
  const work = await workFor(job.kind);
  const chunkSize = Math.max(1, runtime().settings.documents.chunkSize);
  const { chunks, total } = await planIdChunks(db, sql`SELECT i.id ${pendingInvoices(job, work)}`, chunkSize);
  await recordPlan(db, job.jobId, total, chunks.length, await work.planNotes(db, job, total));
  return { running: true, chunks, total };
}

/**
 * One chunk: the kind's work on the chunk's invoices that are still to do, then the chunk's mark and progress in
 * one conditional update, so a chunk is counted once however often it is retried. `last`: every chunk is done.
 * A session (open resources) may be passed by a caller that runs several chunks; otherwise one is opened here.
 */
export async function runDocumentChunk(db: Db, ref: JobRef, chunk: DocumentChunk, session?: JobSession): Promise<ChunkOutcome> {
  const job = asDocumentJob(ref);
  const state = await jobState(db, job.jobId);
  if (state?.status !== "RUNNING") return { last: false, skipped: true, abandoned: true };
  if (state.doneChunks.includes(chunk.no)) return { last: false, skipped: true, abandoned: false };
  const work = await workFor(job.kind);
  const ids = await queryRows<{ id: string }>(db, sql`SELECT i.id ${pendingInvoices(job, work)} AND ${inRange(sql`i.id`, chunk)} ORDER BY i.id`);
  let lines: JobLogLine[] = [];
  if (ids.length) {
    const own = (session as DocumentJobSession | undefined) ?? (await work.open(db, job));
    try {
      lines = await own.process(ids.map((r) => r.id));
    } finally {
      if (!session) await own.close();
    }
  }
  const prefix = `chunk ${chunk.no + 1}/${state.chunksTotal}: `;
  const logged = lines.length ? lines.map((l, i) => (i === 0 ? { ...l, message: prefix + l.message } : l)) : [{ level: "info" as const, message: `${prefix}nothing left to do` }];
  const mark = await markChunkDone(db, job.jobId, chunk.no, chunk.size, logged);
  if (!mark) return { last: false, skipped: true, abandoned: (await jobState(db, job.jobId))?.status !== "RUNNING" };
  return { last: mark.last, skipped: false, abandoned: false };
}

/** Ends the job: SUCCEEDED when nothing is left to do, FAILED (with the work's reason) otherwise. */
export async function finishDocumentJob(db: Db, ref: JobRef): Promise<{ status: "SUCCEEDED" | "FAILED" | null }> {
  const job = asDocumentJob(ref);
  if ((await jobState(db, job.jobId))?.status !== "RUNNING") return { status: null };
  const work = await workFor(job.kind);
  const [{ n: remaining }] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n ${pendingInvoices(job, work)}`);
  const { message, failure } = await work.summary(db, job, remaining);
  if (failure) {
    await failJobExecution(db, job.jobId, failure, [{ level: "info", message }, { level: "error", message: failure }]);
    return { status: "FAILED" };
  }
  await succeedJob(db, job.jobId, [{ level: "info", message }]);
  return { status: "SUCCEEDED" };
}

/** Records a job-level failure (the error's message on the execution and in its log). */
export async function failDocumentJob(db: Queryable, job: Pick<JobRef, "jobId">, error: unknown): Promise<void> {
  await failJobExecution(db, job.jobId, errorMessage(error));
}

export const documentJobHandler: JobHandler = {
  // one chunk at a time, through one session (one PDF worker pool) for the whole inline job
  chunkConcurrency: () => 1,
  plan: planDocumentJob,
  openSession: async (db, job) => (await workFor(asDocumentJob(job).kind)).open(db, asDocumentJob(job)),
  runChunk: runDocumentChunk,
  finish: async (db, job) => {
    await finishDocumentJob(db, job);
    return null;
  },
  fail: failDocumentJob,
};
