import { isEmbeddedDatabase, type Db } from "@/db/client";
import type { JobDriver } from "@/server/billing/dispatch";
import { engineOptions, failJob, finishJob, heartbeat, planJob, runChunk, type JobRef } from "@/server/billing/engine";
import type { Chunk } from "@/server/billing/stages";

/**
 * The inline driver: runs the same orchestration as the Inngest functions (plan → chunks → finish → next step),
 * in this process, fire-and-forget after the transition committed. Durability comes from the database: a job
 * interrupted by a crash is resumed by Process (chunks are idempotent).
 */
export class InlineDriver implements JobDriver {
  readonly name = "inline" as const;
  private readonly inflight = new Set<Promise<void>>();

  async start(db: Db, job: JobRef): Promise<void> {
    const chain = this.runChain(db, job).finally(() => this.inflight.delete(chain));
    this.inflight.add(chain);
  }

  /** Resolves when every job started in this process (and the steps they chained) has ended. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private async runChain(db: Db, first: JobRef): Promise<void> {
    let job: JobRef | null = first;
    while (job) {
      const current: JobRef = job;
      const beat = setInterval(() => void heartbeat(db, current.jobId).catch(() => {}), 5_000);
      beat.unref?.();
      try {
        const plan = await planJob(db, current);
        await runChunks(db, current, plan.chunks);
        job = await finishJob(db, current);
      } catch (error) {
        console.error(`[inngest:inline] ${current.kind} job ${current.jobId} of run ${current.runId} failed:`, error);
        await failJob(db, current, error).catch((e) => console.error("[inngest:inline] could not record the failure:", e));
        job = null;
      } finally {
        clearInterval(beat);
      }
    }
  }
}

/** Works on the chunks in order, `engineOptions.chunkConcurrency` at a time (one on the single-connection embedded database). */
async function runChunks(db: Db, job: JobRef, chunks: Chunk[]): Promise<void> {
  const embedded = isEmbeddedDatabase(db);
  const workers = embedded ? 1 : Math.max(1, Math.min(engineOptions.chunkConcurrency, chunks.length));
  let next = 0;
  let failed = false;
  const outcomes = await Promise.allSettled(
    Array.from({ length: workers }, async () => {
      while (!failed && next < chunks.length) {
        const chunk = chunks[next++];
        try {
          await runChunk(db, job, chunk);
        } catch (error) {
          failed = true; // the other workers finish their current chunk (committed or rolled back) and stop
          throw error;
        }
      }
    }),
  );
  const failure = outcomes.find((o) => o.status === "rejected");
  if (failure) throw failure.reason;
}

const holder = globalThis as unknown as { billrunInlineDriver?: InlineDriver };
export const inlineDriver: InlineDriver = (holder.billrunInlineDriver ??= new InlineDriver());

/** Tests and the bench: wait until inline jobs are done. */
export const waitForInlineJobs = () => inlineDriver.idle();
