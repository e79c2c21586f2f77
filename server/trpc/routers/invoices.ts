import { bulkActionInput, invoiceIdInput, listInvoicesInput } from "@/lib/billing-inputs";
import { bulkInvoiceAction, getInvoice, listInvoices } from "@/server/billing/invoices";
import { createTRPCRouter, operatorProcedure, readProcedure } from "../init";

export const invoicesRouter = createTRPCRouter({
  list: readProcedure.input(listInvoicesInput).query(({ ctx, input }) => listInvoices(ctx.db, ctx.tenantId, input)),
  get: readProcedure.input(invoiceIdInput).query(({ ctx, input }) => getInvoice(ctx.db, ctx.tenantId, input.id)),
  bulkAction: operatorProcedure
    .input(bulkActionInput)
    .mutation(({ ctx, input }) => bulkInvoiceAction(ctx.db, ctx.tenantId, input, ctx.actor)),
});
