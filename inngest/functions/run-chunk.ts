import { failJob, JobAbandonedError, runChunk, type JobRef } from "@/server/billing/engine";
import { inngest } from "../client";
import { runChunkRequested, runChunksCompleted } from "../events";
import { defaultDeps, type FunctionDeps } from "./deps";

/** Works on one chunk of accounts; the chunk that completes the job announces it (exactly one does). */
export const createRunChunkFunction = (deps: FunctionDeps = defaultDeps) =>
  inngest.createFunction(
    {
      id: "billing-run-chunk",
      name: "Billing run: one chunk of accounts",
      triggers: [runChunkRequested],
      // like the inline driver (engineOptions.chunkConcurrency): two chunks of a tenant at once keep two Postgres cores busy
      concurrency: [{ key: "event.data.tenantId", limit: 2 }],
      retries: 3,
      onFailure: async ({ event, error }) => {
        const { chunk: _chunk, ...job } = event.data.event.data as JobRef & { chunk: unknown };
        await failJob(await deps.getDb(), job, error);
      },
    },
    async ({ event, step }) => {
      const { chunk, ...job } = event.data as JobRef & { chunk: Parameters<typeof runChunk>[2] };
      const result = await step.run("chunk", async () => {
        try {
          return { ...(await runChunk(await deps.getDb(), job, chunk)), abandoned: false };
        } catch (error) {
          if (error instanceof JobAbandonedError) return { last: false, skipped: true, abandoned: true };
          throw error;
        }
      });
      if (result.last) {
        await step.sendEvent("chunks-completed", runChunksCompleted.create({ ...job }, { id: `${job.jobId}-completed` }));
      }
      return result;
    },
  );

export const runChunkFunction = createRunChunkFunction();
