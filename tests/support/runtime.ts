import { randomUUID } from "node:crypto";
import { composeRuntime, type ComposeOptions } from "@/composition-root";
import type { Db } from "@/db/client";
import { recordRunMilestone, type RunMilestone } from "@/server/outbox/outbox";
import type { JobChunk, JobRef } from "@/server/jobs/job-ref";
import { runtime, type FaultInjector, type JobRunner } from "@/server/runtime";

// Tests build their runtime through the composition root, with settings and fault injection passed in — never by
// mutating process.env or module globals.

/** Test defaults: small chunks, PDFs rendered in-process (no worker threads inside the test runner), rate limits out of the way (rate-limit tests set theirs). */
export function configureRuntime(options: ComposeOptions = {}) {
  return composeRuntime({
    ...options,
    settings: {
      ...options.settings,
      documents: { pdfWorkers: 0, ...options.settings?.documents },
      rateLimits: { requestsPerSecond: 1_000_000, requestsBurst: 1_000_000, ingestItemsPerSecond: 100_000_000, ingestItemsBurst: 1_000_000_000, tenantRequestsPerSecond: 1_000_000, tenantRequestsBurst: 1_000_000, tenantIngestItemsPerSecond: 100_000_000, tenantIngestItemsBurst: 1_000_000_000, authPerMinute: 1_000_000, ...options.settings?.rateLimits },
    },
  });
}

/** Resolves when no job runs in this process and no outbox pass is under way (each may start the other). */
export async function settle(): Promise<void> {
  do {
    await runtime().jobs.idle();
    await runtime().outbox.idle();
    await new Promise((resolve) => setImmediate(resolve));
  } while (runtime().jobs.busy() || runtime().outbox.busy());
}

/** The name the billing tests have always used for settle(). */
export const waitForInlineJobs = settle;

/** Fault injection through the runtime; null turns it off. */
export function injectFaults(fn: FaultInjector | null) {
  runtime().faults = fn;
}

/** A runner that only records the jobs it is given (as Inngest would receive them), for tests of the functions. */
export function recordingRunner(name: "inline" | "inngest", started: JobRef[]): JobRunner {
  return { name, start: async (_db, job) => void started.push(job), idle: async () => {}, busy: () => false };
}

/** Fault injection after each chunk commits (the billing tests' crash points); null turns it off. */
export function setFaultInjector(fn: ((point: { job: JobRef; chunk: JobChunk }) => void | Promise<void>) | null) {
  injectFaults(fn ? (fault) => (fault.point === "chunk-committed" ? fn(fault) : undefined) : null);
}

/** This process's instance id (an inline job of another instance on the embedded database is dead). */
export const instanceId = () => runtime().instanceId;

/**
 * A run milestone written to the outbox again, as a replayed job would write it (another execution id), then handled
 * by the consumers: what they send must not be sent twice.
 */
export async function replayMilestone(db: Db, m: { tenantId: string; runId: string; milestone: RunMilestone; error?: string }) {
  await recordRunMilestone(db, { ...m, jobId: randomUUID() });
  runtime().outbox.wake(db);
  await settle();
}
