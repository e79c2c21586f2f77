import { engineOptions } from "@/server/billing/engine-options";
import { documentJobOptions } from "@/server/documents/document-jobs";
import { defaultPoolSize } from "@/server/documents/pdf/pdf-pool";
import { webhookRetentionDays } from "@/server/webhooks/retention";

/**
 * Reads every numeric setting once when the server starts, so a wrong value (BILLRUN_CHUNK_ACCOUNTS=abc…) stops the
 * start with its name and rule instead of failing the first run or webhook prune. The modules read them themselves.
 */
export function checkSettings() {
  return {
    chunkAccounts: engineOptions.chunkAccounts,
    documentChunk: documentJobOptions.chunkSize,
    pdfWorkers: defaultPoolSize(),
    webhookRetentionDays: webhookRetentionDays(),
  };
}
