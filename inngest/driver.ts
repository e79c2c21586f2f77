import type { Db } from "@/db/client";
import type { JobDriver } from "@/server/billing/dispatch";
import type { JobRef } from "@/server/billing/engine";
import { inngest, inngestConfigured } from "./client";
import { runProcessRequested } from "./events";
import { inlineDriver } from "./inline";

/** Sends the job to Inngest; the functions in inngest/functions orchestrate it durably. */
export const inngestDriver: JobDriver = {
  name: "inngest",
  async start(_db: Db, job: JobRef) {
    await inngest.send(runProcessRequested.create({ ...job }, { id: `job-${job.jobId}` }));
  },
};

let announced = false;

/** Inngest when a key or dev server is configured; otherwise the inline driver, announced in the log. */
export function selectJobDriver(): JobDriver {
  if (inngestConfigured()) return inngestDriver;
  if (!announced) {
    announced = true;
    console.info("[inngest] no Inngest configured — running jobs inline in this process");
  }
  return inlineDriver;
}
