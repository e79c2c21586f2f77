import { failDocumentJob, finishDocumentJob, runDocumentChunk, type DocumentChunk, type DocumentJobRef } from "@/server/documents/document-jobs";
import { inngest } from "../client";
import { runDocumentsChunkRequested } from "../events";
import { defaultDeps, type FunctionDeps } from "./deps";

/** Works on one chunk of a document job's invoices; the chunk that completes the job (exactly one does) finishes it. */
export const createRunDocumentsChunkFunction = (deps: FunctionDeps = defaultDeps) =>
  inngest.createFunction(
    {
      id: "billing-run-documents-chunk",
      name: "Billing run documents: one chunk of invoices",
      triggers: [runDocumentsChunkRequested],
      // PDF rendering is CPU-bound and e-mail providers rate-limit: a few chunks per tenant at a time
      concurrency: [{ key: "event.data.tenantId", limit: 2 }],
      retries: 3,
      onFailure: async ({ event, error }) => {
        const { chunk: _chunk, ...job } = event.data.event.data as DocumentJobRef & { chunk: unknown };
        await failDocumentJob(await deps.getDb(), job, error);
      },
    },
    async ({ event, step }) => {
      const { chunk, ...job } = event.data as DocumentJobRef & { chunk: DocumentChunk };
      const result = await step.run("chunk", async () => runDocumentChunk(await deps.getDb(), job, chunk));
      if (!result.last) return result;
      const finished = await step.run("finish", async () => finishDocumentJob(await deps.getDb(), job));
      return { ...result, status: finished.status };
    },
  );

export const runDocumentsChunkFunction = createRunDocumentsChunkFunction();
