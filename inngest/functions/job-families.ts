import { finishDocumentJob } from "@/server/documents/document-jobs";
import { handlerFor } from "@/server/jobs/handlers";
import { isRunStepKind, type JobRef } from "@/server/jobs/job-ref";
import { runChunkRequested, runChunksCompleted, runDocumentsChunkRequested, runDocumentsRequested, runProcessRequested } from "../events";
import type { JobFamily } from "./job-functions";

/** Run steps (LINES, INVOICES, POSTING, CANCEL): plan, chunks, and a finish that may start the mode's next step. */
export const runStepFamily: JobFamily = {
  id: "billing-run",
  name: "Billing run step",
  started: runProcessRequested,
  chunkRequested: runChunkRequested,
  chunksCompleted: runChunksCompleted,
  // two chunks of a tenant at once keep two Postgres cores busy (the inline runner's default too)
  chunkConcurrency: 2,
  toEvent: (job) => ({ ...job }),
  fromEvent: (data) => data as JobRef,
  finish: async (db, job) => {
    const next = await handlerFor(job.kind).finish(db, job);
    return { next, result: { next: next?.kind ?? null } };
  },
};

/** Document jobs (PDF, XML, EMAIL): the last chunk finishes (SUCCEEDED, or FAILED with what is left). */
export const documentJobFamily: JobFamily = {
  id: "billing-run-documents",
  name: "Billing run documents",
  started: runDocumentsRequested,
  chunkRequested: runDocumentsChunkRequested,
  chunksCompleted: null,
  // PDF rendering is CPU-bound and e-mail providers rate-limit: a few chunks per tenant at a time
  chunkConcurrency: 2,
  toEvent: (job) => ({ tenantId: job.tenantId, runId: job.runId, jobId: job.jobId, kind: job.kind }),
  fromEvent: (data) => ({ ...(data as Omit<JobRef, "params">), params: {} }),
  finish: async (db, job) => ({ next: null, result: { status: (await finishDocumentJob(db, job)).status } }),
};

export const familyOf = (job: JobRef): JobFamily => (isRunStepKind(job.kind) ? runStepFamily : documentJobFamily);
