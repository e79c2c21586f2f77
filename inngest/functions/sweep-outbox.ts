import { runOutboxPass } from "@/server/outbox/sweeper";
import { inngest } from "../client";
import { outboxCommitted } from "../events";
import { defaultDeps, type FunctionDeps } from "./deps";

/** Passes within one run of the function: it sleeps (durably) until the next due retry, up to this many times. */
const MAX_PASSES = 10;
const SLEEP_AT_MOST_MS = 60_000;

/**
 * With Inngest, the outbox is drained and webhooks are delivered here: triggered after every commit that wrote outbox
 * rows (the waker's event) and every minute by cron (rows of a process that died before it could send the event,
 * retries due). One run at a time; a run sleeps until the next retry due within a minute, so a 5 s retry is on time.
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
      let passes = 0;
      let handled = 0;
      let attempted = 0;
      for (; passes < MAX_PASSES; passes++) {
        const pass = await step.run(`pass-${passes}`, async () => {
          const { nextAt, ...counts } = await runOutboxPass(await deps.getDb());
          return { ...counts, nextAt: nextAt?.toISOString() ?? null };
        });
        handled += pass.handled;
        attempted += pass.attempted;
        if (!pass.nextAt) break;
        const at = new Date(pass.nextAt);
        if (at.getTime() - Date.now() > SLEEP_AT_MOST_MS) break; // the cron comes back before then
        await step.sleepUntil(`until-due-${passes}`, at);
      }
      return { passes: passes + 1, handled, attempted };
    },
  );

export const sweepOutboxFunction = createSweepOutboxFunction();
