import { bulkActionInput, invoiceIdInput, listInvoicesInput, saveInvoiceMemoInput } from "@/lib/billing-inputs";
import { saveInvoiceMemo } from "@/server/billing/invoice-memo";
import { bulkInvoiceAction, getInvoice, listInvoices } from "@/server/billing/invoices";
import { createTRPCRouter, operatorProcedure, readProcedure } from "../init";

export const invoicesRouter = createTRPCRouter({
  list: readProcedure.input(listInvoicesInput).query(({ ctx, input }) => listInvoices(ctx.db, ctx.tenantId, input)),
  get: readProcedure.input(invoiceIdInput).query(({ ctx, input }) => getInvoice(ctx.db, ctx.tenantId, input.id)),
  saveMemo: operatorProcedure.input(saveInvoiceMemoInput).mutation(({ ctx, input }) => saveInvoiceMemo(ctx.db, ctx.tenantId, input)),
  bulkAction: operatorProcedure
    .input(bulkActionInput)
    .mutation(({ ctx, input }) => bulkInvoiceAction(ctx.db, ctx.tenantId, input, ctx.actor)),
});
