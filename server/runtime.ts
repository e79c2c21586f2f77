import type { Db } from "@/db/client";
import type { Settings } from "./env";
import type { JobChunk, JobRef } from "./jobs/job-ref";

// The runtime: what the composition root (composition-root.ts) picked for this process — validated settings, the job
// runner (inline or Inngest), the outbox consumers' wake-up, and the fault points tests use to simulate crashes.
// server/ declares these ports and reads them here; it never imports an adapter (inngest/) itself.

/** Runs a started job somewhere. Called after the transition that created the job row has committed. */
export interface JobRunner {
  readonly name: "inline" | "inngest";
  start(db: Db, job: JobRef): Promise<void>;
  /** Resolves when the jobs this process runs (and the jobs they chained) have ended; Inngest: at once. */
  idle(): Promise<void>;
  /** Whether this process is running a job now. */
  busy(): boolean;
}

/** Wakes the outbox consumers after a commit that wrote outbox rows (or made a webhook message due). */
export interface OutboxWaker {
  wake(db: Db): void;
  /** Resolves when this process has no consumer pass running (tests, shutdown). */
  idle(): Promise<void>;
  busy(): boolean;
}

export type FaultPoint =
  | { point: "chunk-committed"; job: JobRef; chunk: JobChunk }
  | { point: "webhook-answered"; messageId: string; endpointId: string };

/** Tests: called at each fault point; throwing simulates a failure there (ProcessCrash: the process died there). */
export type FaultInjector = (fault: FaultPoint) => void | Promise<void>;

/** Thrown by a fault injector to simulate `kill -9` at that point: the runner stops without recording anything. */
export class ProcessCrash extends Error {
  constructor(where: string) {
    super(`simulated crash: ${where}`);
    this.name = "ProcessCrash";
  }
}

export type Runtime = {
  settings: Settings;
  /** this process: an inline job of another instance on the single-process embedded database is dead */
  instanceId: string;
  jobs: JobRunner;
  outbox: OutboxWaker;
  faults: FaultInjector | null;
};

// On globalThis: Next.js bundles instrumentation.ts and the route handlers separately, with their own module copies.
const holder = globalThis as unknown as { billrunRuntime?: Runtime };

export function runtime(): Runtime {
  if (!holder.billrunRuntime) {
    throw new Error("the runtime is not composed: call composeRuntime() (composition-root.ts) at process start");
  }
  return holder.billrunRuntime;
}

export const runtimeComposed = () => Boolean(holder.billrunRuntime);

/** The composition root installs the runtime it built (once per process; tests re-install to change settings). */
export function installRuntime(next: Runtime): Runtime {
  holder.billrunRuntime = next;
  return next;
}

export async function injectFault(fault: FaultPoint): Promise<void> {
  await runtime().faults?.(fault);
}
