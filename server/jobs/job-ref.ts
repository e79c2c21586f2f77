// What identifies a background job (one job_executions row) wherever it runs: inline in this process or in Inngest.

/** Run steps (the billing engine) and document jobs over a run's posted invoices. */
export const RUN_STEP_KINDS = ["LINES", "INVOICES", "POSTING", "CANCEL"] as const;
export const DOCUMENT_JOB_KINDS = ["PDF", "XML", "EMAIL"] as const;
export type RunStepKind = (typeof RUN_STEP_KINDS)[number];
export type DocumentJobKind = (typeof DOCUMENT_JOB_KINDS)[number];
export type JobKind = RunStepKind | DocumentJobKind;

export type JobRef = {
  tenantId: string;
  runId: string;
  jobId: string;
  kind: JobKind;
  params: Record<string, unknown>;
};

/** A slice of a job's work: the rows with after < id <= upTo (null: open end); `size` = rows in it when planned. */
export type JobChunk = { no: number; after: string | null; upTo: string | null; size: number };

export type JobPlan = { running: boolean; chunks: JobChunk[]; total: number };
export type ChunkOutcome = { last: boolean; skipped: boolean; abandoned: boolean };

export const isRunStepKind = (kind: JobKind): kind is RunStepKind => (RUN_STEP_KINDS as readonly string[]).includes(kind);
