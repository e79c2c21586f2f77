import { isEmbeddedDatabase, type Db } from "@/db/client";
import { log } from "@/server/log";
import { ProcessCrash, runtime, type JobRunner } from "@/server/runtime";
import { handlerFor } from "./handlers";
import type { JobHandler, JobSession } from "./job-handler";
import { errorMessage, heartbeat, JobAbandonedError } from "./lifecycle";
import type { JobChunk, JobRef } from "./job-ref";

/**
 * The inline runner: the same orchestration as the Inngest functions (plan → chunks → finish → next job), in this
 * process, fire-and-forget after the transition committed. Durability comes from the database: a job interrupted by a
 * crash is taken over by a new start (Process, or starting the document job again); chunks are idempotent.
 */
export class InlineJobRunner implements JobRunner {
  readonly name = "inline" as const;
  private readonly inflight = new Set<Promise<void>>();

  async start(db: Db, job: JobRef): Promise<void> {
    const chain = this.runChain(db, job).finally(() => this.inflight.delete(chain));
    this.inflight.add(chain);
  }

  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  busy(): boolean {
    return this.inflight.size > 0;
  }

  private async runChain(db: Db, first: JobRef): Promise<void> {
    let job: JobRef | null = first;
    while (job) job = await this.runOne(db, job);
  }

  private async runOne(db: Db, job: JobRef): Promise<JobRef | null> {
    const handler = handlerFor(job.kind);
    const jobLog = log.child({ tenantId: job.tenantId, runId: job.runId, jobId: job.jobId, kind: job.kind });
    const beat = setInterval(() => void heartbeat(db, job.jobId).catch(() => {}), runtime().settings.jobs.heartbeatMs);
    beat.unref?.();
    let session: JobSession | undefined;
    try {
      const plan = await handler.plan(db, job);
      if (!plan.running) return null;
      if (plan.chunks.length && handler.openSession) session = await handler.openSession(db, job);
      const workers = isEmbeddedDatabase(db) ? 1 : Math.max(1, Math.min(handler.chunkConcurrency(), plan.chunks.length));
      const finished = await runChunks(handler, db, job, plan.chunks, workers, session);
      if (!finished) return null; // failed or taken over elsewhere: stop quietly
      return await handler.finish(db, job);
    } catch (error) {
      if (error instanceof ProcessCrash) {
        jobLog.warn({ err: error.message }, "simulated crash: the job is left as a dead process leaves it");
        return null;
      }
      if (error instanceof JobAbandonedError) return null;
      jobLog.error({ err: errorMessage(error) }, "job failed");
      await handler.fail(db, job, error).catch((e) => jobLog.error({ err: errorMessage(e) }, "could not record the job's failure"));
      return null;
    } finally {
      clearInterval(beat);
      await session?.close().catch(() => {});
    }
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Works on the chunks in order, `workers` at a time; false when the job stopped running under us. */
async function runChunks(handler: JobHandler, db: Db, job: JobRef, chunks: JobChunk[], workers: number, session?: JobSession): Promise<boolean> {
  let next = 0;
  let stop = false;
  let abandoned = false;
  const outcomes = await Promise.allSettled(
    Array.from({ length: workers }, async () => {
      while (!stop && next < chunks.length) {
        const chunk = chunks[next++];
        try {
          const outcome = await handler.runChunk(db, job, chunk, session);
          if (outcome.abandoned) {
            abandoned = stop = true;
            return;
          }
          await yieldToEventLoop();
        } catch (error) {
          stop = true; // the other workers finish their current chunk (committed or rolled back) and stop
          throw error;
        }
      }
    }),
  );
  const failure = outcomes.find((o) => o.status === "rejected");
  if (failure) throw failure.reason;
  return !abandoned;
}
