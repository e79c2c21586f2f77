import { billingSchedulesFunction } from "./functions/billing-schedules";
import { finishStepFunction } from "./functions/finish-step";
import { processRunFunction } from "./functions/process-run";
import { runChunkFunction } from "./functions/run-chunk";
import { runDocumentsFunction } from "./functions/run-documents";
import { runDocumentsChunkFunction } from "./functions/run-documents-chunk";
import { sweepOutboxFunction } from "./functions/sweep-outbox";

export { inngest } from "./client";

/** Every Inngest function of the app, served at /api/inngest. */
export const functions = [processRunFunction, runChunkFunction, finishStepFunction, runDocumentsFunction, runDocumentsChunkFunction, sweepOutboxFunction, billingSchedulesFunction];
