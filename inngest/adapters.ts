import type { Db } from "@/db/client";
import type { JobRef } from "@/server/jobs/job-ref";
import { log } from "@/server/log";
import type { JobRunner, OutboxWaker } from "@/server/runtime";
import { inngest } from "./client";
import { outboxCommitted } from "./events";
import { familyOf } from "./functions/job-families";
import { startedEventId } from "./functions/job-functions";

// The Inngest adapters of server/'s ports, picked by the composition root when Inngest is configured.

/** Sends a started job to its family's planning function (deterministic id: a re-sent start is deduplicated). */
export const inngestJobRunner: JobRunner = {
  name: "inngest",
  async start(_db: Db, job: JobRef) {
    const family = familyOf(job);
    await inngest.send(family.started.create(family.toEvent(job), { id: startedEventId(family, job) }));
  },
  async idle() {},
  busy: () => false,
};

/** Triggers the outbox-sweep function; a lost event only delays the rows until its next cron run. */
export const inngestOutboxWaker: OutboxWaker = {
  wake() {
    void inngest.send(outboxCommitted.create({})).catch((error: unknown) => log.warn({ err: String(error) }, "could not wake the outbox sweep"));
  },
  async idle() {},
  busy: () => false,
};
