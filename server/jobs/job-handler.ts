import type { Db } from "@/db/client";
import type { ChunkOutcome, JobChunk, JobPlan, JobRef } from "./job-ref";

/** Resources held while a job's chunks run (e.g. a PDF worker pool): one per inline job, one per Inngest chunk. */
export interface JobSession {
  close(): Promise<void>;
}

/**
 * What one family of jobs does; the runners (inline here, Inngest in inngest/) only orchestrate:
 * plan → chunks (fan-out) → finish (→ the next job, if the work chains one) or fail.
 */
export interface JobHandler {
  /** Chunks the inline runner works on at once (the embedded database always gets 1). */
  chunkConcurrency(): number;
  plan(db: Db, job: JobRef): Promise<JobPlan>;
  openSession?(db: Db, job: JobRef): Promise<JobSession>;
  /** One chunk, idempotent: its work and its mark commit together (or the work is idempotent by itself). */
  runChunk(db: Db, job: JobRef, chunk: JobChunk, session?: JobSession): Promise<ChunkOutcome>;
  /** Ends the job when all chunks are done; returns the job the work continues with, if any. */
  finish(db: Db, job: JobRef): Promise<JobRef | null>;
  /** Records a job-level failure (never throws for a job that already ended). */
  fail(db: Db, job: JobRef, error: unknown): Promise<void>;
}
