import type { Db } from "@/db/client";
import { log } from "@/server/log";
import { runSchedulerPass } from "./scheduler";

/** The longest the loop sleeps: a schedule saved in another process, or a timed post, is seen within a minute. */
const MAX_SLEEP_MS = 60_000;

/**
 * Without Inngest, each app process runs this loop (started by the composition root): a scheduler pass at once —
 * which catches up on a period missed while no process ran — then again at the next due time, at least every minute.
 * Passes of several processes may overlap: each period's run is still created once (a conditional insert).
 */
export class SchedulerLoop {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private lastError: string | null = null;

  constructor(private readonly getDb: () => Promise<Db>) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    let nextAt: Date | null = null;
    try {
      ({ nextAt } = await runSchedulerPass(await this.getDb()));
      this.lastError = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) log.error({ err: message }, "scheduler pass failed");
      this.lastError = message;
    }
    if (this.stopped) return;
    const waitMs = nextAt ? Math.min(MAX_SLEEP_MS, Math.max(0, nextAt.getTime() - Date.now() + 50)) : MAX_SLEEP_MS;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, waitMs);
    this.timer.unref?.();
  }
}
