import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { INVOICE_STATUSES, INVOICE_TYPES } from "@/lib/billing-values";
import type { AppRouter } from "@/server/trpc/routers/_app";

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

// The shapes the run pages render, as the tRPC procedures return them (one declaration: the server's).

export type RunDetail = Outputs["billingRuns"]["get"];
export type RunAction = RunDetail["availableActions"][number];
export type Execution = Outputs["billingRuns"]["executions"][number];

export type RunFailure = Outputs["billingRuns"]["failures"][number];
export type RunStatistics = Outputs["billingRuns"]["statistics"];

export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export type InvoiceType = (typeof INVOICE_TYPES)[number];
export type InvoiceRow = Outputs["invoices"]["list"]["rows"][number];

export type InvoiceDetail = Outputs["invoices"]["get"];

export type BulkAction = Inputs["invoices"]["bulkAction"]["action"];
export type BulkResult = Outputs["invoices"]["bulkAction"];
