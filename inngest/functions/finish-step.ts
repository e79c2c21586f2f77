import { failJob, finishJob, type JobRef } from "@/server/billing/engine";
import { inngest } from "../client";
import { runChunksCompleted, runProcessRequested } from "../events";
import { defaultDeps, type FunctionDeps } from "./deps";

/** Every chunk is done: finish the step (counters, status) and start the mode's next step, if any. */
export const createFinishStepFunction = (deps: FunctionDeps = defaultDeps) =>
  inngest.createFunction(
    {
      id: "billing-run-finish-step",
      name: "Billing run: finish a step and advance",
      triggers: [runChunksCompleted],
      idempotency: "event.data.jobId",
      retries: 3,
      onFailure: async ({ event, error }) => {
        await failJob(await deps.getDb(), event.data.event.data as JobRef, error);
      },
    },
    async ({ event, step }) => {
      const job = event.data as JobRef;
      const next = await step.run("finish", async () => finishJob(await deps.getDb(), job));
      if (next) await step.sendEvent("start-next-step", runProcessRequested.create({ ...next }, { id: `job-${next.jobId}` }));
      return { next: next?.kind ?? null };
    },
  );

export const finishStepFunction = createFinishStepFunction();
