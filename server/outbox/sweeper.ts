import { listen, type Db } from "@/db/client";
import { log } from "@/server/log";
import { ProcessCrash, runtime, type OutboxWaker } from "@/server/runtime";
import { pruneWebhookHistorySometimes } from "@/server/webhooks/retention";
import { nextWebhookDueAt, sweepWebhookMessages } from "@/server/webhooks/sweeper";
import { drainOutbox } from "./consumers";
import { OUTBOX_CHANNEL } from "./outbox";

// Without Inngest, each app process runs one outbox sweeper: a pass drains the outbox (every consumer) and delivers the
// due webhook messages. It is woken at once when this process commits outbox rows (wake), when another process does
// (Postgres LISTEN/NOTIFY), by a timer set to the next due retry, and at least every `maxIdleMs`. Passes of one process
// never overlap; passes of several processes claim different rows (SKIP LOCKED).

/** One pass: the outbox's consumers, then the due webhook deliveries. Returns when the next pass is wanted. */
export async function runOutboxPass(db: Db): Promise<{ handled: number; attempted: number; nextAt: Date | null }> {
  const { handled, waiting } = await drainOutbox(db);
  const attempted = await sweepWebhookMessages(db);
  await pruneWebhookHistorySometimes(db);
  const due = await nextWebhookDueAt(db);
  // rows left pending on purpose (an EMAIL job still running) are looked at again a little later
  const later = waiting ? new Date(Date.now() + 5_000) : null;
  const nextAt = due && later ? (due < later ? due : later) : (due ?? later);
  return { handled, attempted, nextAt };
}

export class OutboxSweeper implements OutboxWaker {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private lastError: string | null = null;
  private db: Db | null = null;
  private unlisten: (() => void) | null = null;

  /** `getDb`: the app's database (server processes); without it, the database of the last wake-up (tests). */
  constructor(private readonly getDb?: () => Promise<Db>) {}

  /**
   * Starts the loop: a pass at once (what a previous process left), then on wake-ups, timers, and (Postgres) the
   * NOTIFY of another process's commit.
   */
  start(): void {
    this.stopped = false;
    void this.request();
    void this.listenToOtherProcesses();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unlisten?.();
    this.unlisten = null;
  }

  private async listenToOtherProcesses(): Promise<void> {
    if (!this.getDb || this.unlisten) return;
    try {
      const db = await this.getDb();
      const stop = await listen(db, OUTBOX_CHANNEL, () => this.wake(db), (error) => {
        log.warn({ err: error.message }, "outbox LISTEN connection lost; the sweeper's timer still runs");
        this.unlisten = null;
      });
      if (this.stopped) stop?.();
      else this.unlisten = stop;
    } catch (error) {
      log.warn({ err: String(error) }, "could not LISTEN for other processes' outbox rows; the sweeper's timer still runs");
    }
  }

  wake(db: Db): void {
    this.db = db;
    if (!this.stopped) void this.request();
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  busy(): boolean {
    return this.running !== null;
  }

  /** Runs a pass now, or once more after the running one. */
  private request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const pass = this.loop().finally(() => {
      this.running = null;
    });
    this.running = pass;
    return pass;
  }

  private async loop(): Promise<void> {
    let nextAt: Date | null = null;
    do {
      this.again = false;
      try {
        const db = this.db ?? (this.getDb ? await this.getDb() : null);
        if (!db) return;
        ({ nextAt } = await runOutboxPass(db));
        this.lastError = null;
      } catch (error) {
        if (error instanceof ProcessCrash) {
          // tests: the process "died" here; nothing more happens in it
          this.stop();
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        if (message !== this.lastError) log.error({ err: message }, "outbox sweep failed");
        this.lastError = message;
      }
    } while (this.again && !this.stopped);
    this.schedule(nextAt);
  }

  private schedule(nextAt: Date | null): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const { maxIdleMs } = runtime().settings.outbox;
    const waitMs = nextAt ? Math.min(maxIdleMs, Math.max(0, nextAt.getTime() - Date.now() + 50)) : maxIdleMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.request();
    }, waitMs);
    this.timer.unref?.();
  }
}
