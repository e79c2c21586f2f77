import { inngest } from "@/inngest/client";
import { runDocumentsRequested } from "@/inngest/events";
import type { DocumentJobDispatcher } from "./document-job-dispatch";

/** Hands the job to the run-documents Inngest function (deterministic event id: a re-sent start is deduplicated). */
export const inngestDocumentJobDispatcher: DocumentJobDispatcher = {
  name: "inngest",
  async start(_db, job) {
    await inngest.send(runDocumentsRequested.create({ ...job }, { id: `documents-${job.jobId}` }));
  },
};
