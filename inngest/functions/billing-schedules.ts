import { runSchedulerPass } from "@/server/billing/scheduler";
import { inngest } from "../client";
import { defaultDeps, type FunctionDeps } from "./deps";

/**
 * With Inngest, the billing schedules run here: every minute, the same pass as the app's own scheduler (each
 * schedule's due period gets its run once, processed by the schedule's mode; due timed posts start). One run at a
 * time; overlapping with an app process's pass would still create each run once.
 */
export const createBillingSchedulesFunction = (deps: FunctionDeps = defaultDeps) =>
  inngest.createFunction(
    {
      id: "billing-schedules",
      name: "Billing schedules: create and process the due runs",
      triggers: [{ cron: "* * * * *" }],
      concurrency: [{ limit: 1 }],
      retries: 2,
    },
    async ({ step }) =>
      step.run("pass", async () => {
        const { nextAt, ...counts } = await runSchedulerPass(await deps.getDb());
        return { ...counts, nextAt: nextAt?.toISOString() ?? null };
      }),
  );

export const billingSchedulesFunction = createBillingSchedulesFunction();
