import { failDocumentJob, finishDocumentJob, planDocumentJob, type DocumentJobRef } from "@/server/documents/document-jobs";
import { inngest } from "../client";
import { runDocumentsChunkRequested, runDocumentsRequested } from "../events";
import { defaultDeps, type FunctionDeps } from "./deps";

/**
 * A document job (Generate PDF / XML, E-mail invoices) was started: plan its invoice chunks and fan them out with one
 * sendEvent (deterministic event ids, so a retried step never doubles a chunk). A job with nothing to do finishes here.
 */
export const createRunDocumentsFunction = (deps: FunctionDeps = defaultDeps) =>
  inngest.createFunction(
    {
      id: "billing-run-documents",
      name: "Billing run documents: plan and fan out",
      triggers: [runDocumentsRequested],
      concurrency: [{ key: "event.data.tenantId", limit: 5 }],
      idempotency: "event.data.jobId",
      retries: 3,
      onFailure: async ({ event, error }) => {
        await failDocumentJob(await deps.getDb(), event.data.event.data as DocumentJobRef, error);
      },
    },
    async ({ event, step }) => {
      const job = event.data as DocumentJobRef;
      const plan = await step.run("plan", async () => planDocumentJob(await deps.getDb(), job));
      if (!plan.running) return { chunks: 0, abandoned: true };
      if (!plan.chunks.length) {
        const finished = await step.run("finish", async () => finishDocumentJob(await deps.getDb(), job));
        return { chunks: 0, status: finished.status };
      }
      await step.sendEvent(
        "fan-out-chunks",
        plan.chunks.map((chunk) => runDocumentsChunkRequested.create({ ...job, chunk }, { id: `${job.jobId}-chunk-${chunk.no}` })),
      );
      return { chunks: plan.chunks.length, total: plan.total };
    },
  );

export const runDocumentsFunction = createRunDocumentsFunction();
