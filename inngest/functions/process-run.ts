import { failJob, finishJob, planJob, type JobRef } from "@/server/billing/engine";
import { inngest } from "../client";
import { runChunkRequested, runProcessRequested } from "../events";
import { defaultDeps, type FunctionDeps } from "./deps";

/**
 * A step job was started: plan its account chunks and fan them out with one sendEvent (deterministic event ids,
 * so a retried step never doubles a chunk). A job without accounts finishes at once.
 */
export const createProcessRunFunction = (deps: FunctionDeps = defaultDeps) =>
  inngest.createFunction(
    {
      id: "billing-run-process",
      name: "Billing run: plan and fan out a step",
      triggers: [runProcessRequested],
      concurrency: [{ key: "event.data.tenantId", limit: 5 }],
      idempotency: "event.data.jobId",
      retries: 3,
      onFailure: async ({ event, error }) => {
        const job = event.data.event.data as JobRef;
        await failJob(await deps.getDb(), job, error);
      },
    },
    async ({ event, step }) => {
      const job = event.data as JobRef;
      const plan = await step.run("plan", async () => planJob(await deps.getDb(), job));
      if (!plan.chunks.length) {
        const next = await step.run("finish", async () => finishJob(await deps.getDb(), job));
        if (next) await step.sendEvent("start-next-step", runProcessRequested.create({ ...next }, { id: `job-${next.jobId}` }));
        return { chunks: 0, next: next?.kind ?? null };
      }
      await step.sendEvent(
        "fan-out-chunks",
        plan.chunks.map((chunk) => runChunkRequested.create({ ...job, chunk }, { id: `${job.jobId}-chunk-${chunk.no}` })),
      );
      return { chunks: plan.chunks.length, total: plan.total };
    },
  );

export const processRunFunction = createProcessRunFunction();
