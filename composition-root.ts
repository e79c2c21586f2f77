import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { settingsFromEnv, type Settings } from "@/server/env";
import { InlineJobRunner } from "@/server/jobs/inline-runner";
import { log } from "@/server/log";
import { SchedulerLoop } from "@/server/billing/scheduler-loop";
import { OutboxSweeper } from "@/server/outbox/sweeper";
import { installRuntime, runtimeComposed, runtime, type FaultInjector, type JobRunner, type OutboxWaker, type Runtime } from "@/server/runtime";

// The composition root: the one place that builds the runtime from validated settings — Inngest or the inline job
// runner, Inngest's outbox function or this process's outbox sweeper — and installs it. Called by instrumentation.ts
// (server processes), the scripts (seed, bench, migrate) and the test setup. server/ only sees the ports.

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export type ComposeOptions = {
  /** overrides of the settings read from the environment (tests, benchmarks) */
  settings?: DeepPartial<Settings>;
  faults?: FaultInjector | null;
  /** a runner of the caller's (tests capture started jobs) */
  jobs?: JobRunner;
  /** a waker of the caller's; "off" leaves outbox rows and webhook messages to explicit passes (tests) */
  outbox?: OutboxWaker | "off";
  /** the database the sweeper uses without a wake-up (server processes: the app's) */
  getDb?: () => Promise<Db>;
};

function merge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (!patch) return base;
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object" ? merge(current, value as never) : value;
  }
  return out as T;
}

const offWaker: OutboxWaker = { wake() {}, async idle() {}, busy: () => false };

// The Inngest adapters load on first use: importing the SDK costs ~0.3 s, which every process without Inngest (the
// embedded default, each of the ~90 test files) would otherwise pay at start.
const inngestAdapters = () => import("@/inngest/adapters");
const inngestJobRunner: JobRunner = {
  name: "inngest",
  start: async (db, job) => (await inngestAdapters()).inngestJobRunner.start(db, job),
  async idle() {},
  busy: () => false,
};
const inngestOutboxWaker: OutboxWaker = {
  wake: (db) => void inngestAdapters().then((adapters) => adapters.inngestOutboxWaker.wake(db)),
  async idle() {},
  busy: () => false,
};

/** Builds and installs the runtime; a previous runtime's sweeper is stopped (its timers would outlive it). */
export function composeRuntime(options: ComposeOptions = {}): Runtime {
  if (runtimeComposed()) {
    const previous = runtime().outbox;
    if (previous instanceof OutboxSweeper) previous.stop();
  }
  const settings = merge(settingsFromEnv(), options.settings);
  const inngest = settings.inngest.configured;
  const jobs = options.jobs ?? (inngest ? inngestJobRunner : new InlineJobRunner());
  const outbox = options.outbox === "off" ? offWaker : (options.outbox ?? (inngest ? inngestOutboxWaker : new OutboxSweeper(options.getDb)));
  return installRuntime({ settings, instanceId: randomUUID(), jobs, outbox, faults: options.faults ?? null });
}

let scheduler: SchedulerLoop | null = null;

/**
 * A server process (instrumentation.ts): the runtime, and without Inngest the outbox sweeper and the billing
 * scheduler started at once (with Inngest, its cron functions do both).
 */
export async function startServerRuntime(): Promise<Runtime> {
  const getDb = async () => (await import("@/db")).getDb();
  const rt = composeRuntime({ getDb });
  if (rt.outbox instanceof OutboxSweeper) {
    rt.outbox.start(); // webhooks and e-mails a previous process left pending go out now
    scheduler ??= new SchedulerLoop(getDb);
    scheduler.start(); // a period missed while no process ran is created now
    log.info("no Inngest configured: jobs run inline in this process, which also delivers the outbox (webhooks, e-mails) and runs the billing schedules");
  } else {
    log.info("Inngest configured: jobs and the outbox run as Inngest functions");
  }
  return rt;
}
