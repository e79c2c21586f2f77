import {
  cancelRunInput,
  createRunInput,
  runIdInput,
  saveDescriptionInput,
  saveRunMemoInput,
  setDisabledInput,
} from "@/lib/billing-inputs";
import { listBillingRuns, listRunsInput } from "@/server/billing/run-list";
import {
  cancelRun,
  createRun,
  getRun,
  listExecutions,
  listFailures,
  processRun,
  retryFailedAccounts,
  runFormOptions,
  saveRunDescription,
  setRunDisabled,
} from "@/server/billing/runs";
import { saveRunMemo } from "@/server/billing/run-memo";
import { runStatistics } from "@/server/billing/statistics";
import { simulateNewRun, simulateRun } from "@/server/billing/simulation";
import { runDocumentsInput, startRunDocuments } from "@/server/documents/run-documents";
import { startInvoiceEmails } from "@/server/notifications/invoice-emails";
import { createTRPCRouter, operatorProcedure, readProcedure } from "../init";

export const billingRunsRouter = createTRPCRouter({
  list: readProcedure.input(listRunsInput).query(({ ctx, input }) => listBillingRuns(ctx.db, ctx.tenantId, input)),
  get: readProcedure.input(runIdInput).query(({ ctx, input }) => getRun(ctx.db, ctx.tenantId, input.id)),
  formOptions: readProcedure.query(({ ctx }) => runFormOptions(ctx.db, ctx.tenantId)),
  executions: readProcedure.input(runIdInput).query(({ ctx, input }) => listExecutions(ctx.db, ctx.tenantId, input.id)),
  failures: readProcedure.input(runIdInput).query(({ ctx, input }) => listFailures(ctx.db, ctx.tenantId, input.id)),
  statistics: readProcedure.input(runIdInput).query(({ ctx, input }) => runStatistics(ctx.db, ctx.tenantId, input.id)),
  // what Process would produce, computed without writing (server/billing/simulation.ts)
  simulate: readProcedure.input(runIdInput).query(({ ctx, input }) => simulateRun(ctx.db, ctx.tenantId, input.id)),
  simulateNew: readProcedure.input(createRunInput).query(({ ctx, input }) => simulateNewRun(ctx.db, ctx.tenantId, input)),

  create: operatorProcedure.input(createRunInput).mutation(async ({ ctx, input }) => {
    const run = await createRun(ctx.db, ctx.tenantId, input, ctx.actor);
    return { id: run.id, number: run.number };
  }),
  process: operatorProcedure.input(runIdInput).mutation(({ ctx, input }) => processRun(ctx.db, ctx.tenantId, input.id, ctx.actor)),
  cancel: operatorProcedure.input(cancelRunInput).mutation(({ ctx, input }) => cancelRun(ctx.db, ctx.tenantId, input, ctx.actor)),
  setDisabled: operatorProcedure.input(setDisabledInput).mutation(({ ctx, input }) => setRunDisabled(ctx.db, ctx.tenantId, input, ctx.actor)),
  saveDescription: operatorProcedure
    .input(saveDescriptionInput)
    .mutation(({ ctx, input }) => saveRunDescription(ctx.db, ctx.tenantId, input, ctx.actor)),
  saveMemo: operatorProcedure.input(saveRunMemoInput).mutation(({ ctx, input }) => saveRunMemo(ctx.db, ctx.tenantId, input, ctx.actor)),
  generateDocuments: operatorProcedure
    .input(runDocumentsInput)
    .mutation(({ ctx, input }) => startRunDocuments(ctx.db, ctx.tenantId, ctx.actor, input)),
  emailInvoices: operatorProcedure
    .input(runIdInput)
    .mutation(({ ctx, input }) => startInvoiceEmails(ctx.db, ctx.tenantId, ctx.actor, input)),
  retryFailed: operatorProcedure.input(runIdInput).mutation(async ({ ctx, input }) => {
    const run = await retryFailedAccounts(ctx.db, ctx.tenantId, input.id, ctx.actor);
    return { id: run.id, number: run.number };
  }),
});
