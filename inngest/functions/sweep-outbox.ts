import { runOutboxPass } from "@/server/outbox/sweeper";
import { inngest } from "../client";
import { outboxCommitted } from "../events";
import { defaultDeps, type FunctionDeps } from "./deps";

/** A retry due later than this is left to the cron, which runs every minute anyway. */
const WAKE_AT_MOST_MS = 60_000;

/**
 * With Inngest, the outbox is drained and webhooks are delivered here: triggered after every commit that wrote outbox
 * rows (the waker's event) and every minute by cron (rows of a process that died before it could send the event).
 * One run at a time. When a retry is due within the minute, the run schedules the event for that moment (an event
 * with a future `ts`), so a retry due in 5 s goes out on time.
 */
export const createSweepOutboxFunction = (deps: FunctionDeps = defaultDeps) =>
  inngest.createFunction(
    {
      id: "outbox-sweep",
      name: "Outbox: consumers and webhook deliveries",
      triggers: [outboxCommitted, { cron: "* * * * *" }],
      concurrency: [{ limit: 1 }],
      retries: 3,
    },
    async ({ step }) => {
      const pass = await step.run("pass", async () => {
        const { nextAt, ...counts } = await runOutboxPass(await deps.getDb());
        return { ...counts, nextAt: nextAt?.getTime() ?? null };
      });
      if (pass.nextAt !== null && pass.nextAt - Date.now() <= WAKE_AT_MOST_MS) {
        await step.sendEvent("wake-when-due", outboxCommitted.create({}, { ts: pass.nextAt, id: `outbox-due-${pass.nextAt}` }));
      }
      return pass;
    },
  );

export const sweepOutboxFunction = createSweepOutboxFunction();
