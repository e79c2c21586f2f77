import { bulkActionInput, invoiceIdInput, listInvoicesInput, saveInvoiceMemoInput } from "@/lib/billing-inputs";
import { createCreditNoteRequest, creditNoteIdInput } from "@/lib/credit-note-inputs";
import { createCreditNote, discardCreditNote, postCreditNote } from "@/server/billing/credit-notes";
import { saveInvoiceMemo } from "@/server/billing/invoice-memo";
import { bulkInvoiceAction, getInvoice, listInvoices } from "@/server/billing/invoices";
import { createTRPCRouter, operatorProcedure, readProcedure } from "../init";

export const invoicesRouter = createTRPCRouter({
  list: readProcedure.input(listInvoicesInput).query(({ ctx, input }) => listInvoices(ctx.db, ctx.tenantId, input)),
  get: readProcedure.input(invoiceIdInput).query(({ ctx, input }) => getInvoice(ctx.db, ctx.tenantId, input.id)),
  saveMemo: operatorProcedure.input(saveInvoiceMemoInput).mutation(({ ctx, input }) => saveInvoiceMemo(ctx.db, ctx.tenantId, input, ctx.actor)),
  bulkAction: operatorProcedure
    .input(bulkActionInput)
    .mutation(({ ctx, input }) => bulkInvoiceAction(ctx.db, ctx.tenantId, input, ctx.actor)),
  createCreditNote: operatorProcedure
    .input(createCreditNoteRequest)
    .mutation(({ ctx, input: { invoiceId, ...rest } }) => createCreditNote(ctx.db, ctx.tenantId, invoiceId, rest, ctx.actor)),
  postCreditNote: operatorProcedure
    .input(creditNoteIdInput)
    .mutation(({ ctx, input }) => postCreditNote(ctx.db, ctx.tenantId, input.id, ctx.actor)),
  discardCreditNote: operatorProcedure
    .input(creditNoteIdInput)
    .mutation(({ ctx, input }) => discardCreditNote(ctx.db, ctx.tenantId, input.id, ctx.actor)),
});
