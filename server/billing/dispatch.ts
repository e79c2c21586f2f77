import type { Db } from "@/db/client";
import type { JobRef } from "./engine";

/**
 * Runs a started job somewhere: Inngest (durable, fan-out) or the inline driver (in this process).
 * Called after the transition that created the job has committed, so the API can answer at once.
 */
export interface JobDriver {
  readonly name: "inline" | "inngest";
  start(db: Db, job: JobRef): Promise<void>;
}

const holder = globalThis as unknown as { billrunJobDriver?: JobDriver | null };

/** Tests and the bench may force a driver; otherwise it is chosen from the environment. */
export function setJobDriver(driver: JobDriver | null) {
  holder.billrunJobDriver = driver;
}

export async function getJobDriver(): Promise<JobDriver> {
  if (holder.billrunJobDriver) return holder.billrunJobDriver;
  const { selectJobDriver } = await import("@/inngest/driver");
  holder.billrunJobDriver = selectJobDriver();
  return holder.billrunJobDriver;
}
