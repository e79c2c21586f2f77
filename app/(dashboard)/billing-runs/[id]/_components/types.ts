import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/routers/_app";
import type { RunStatus, RunType } from "../../_components/search-params";
import type { PartySnapshot } from "@/db/schema/invoices";

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

// The engine returns some rows as loosely typed SQL records; these are the shapes the UI relies on.

export type RunAction = "PROCESS" | "POST" | "DISABLE" | "ENABLE" | "CANCEL" | "SAVE" | "GENERATE_PDF" | "GENERATE_XML" | "EMAIL_INVOICES" | "RETRY_FAILED" | "INVOICE_ACTIONS";
export type JobKind = "LINES" | "INVOICES" | "POSTING" | "PDF" | "XML" | "EMAIL" | "CANCEL";
export type Totals = Record<string, { net: string; tax: string; gross: string }>;

export type RunDetail = {
  id: string;
  number: number;
  label: string;
  type: RunType;
  status: RunStatus;
  mode: "MANUAL" | "REVIEW" | "AUTO_POST";
  onReject: "QUARANTINE" | "HOLD" | "CANCEL";
  billingCycleId: string | null;
  cycleName: string | null;
  filter: { accountIds?: string[]; subscriptionIds?: string[]; chargeTypes?: string[] } | null;
  invoiceDate: string;
  cutoffDate: string;
  groupBySubscription: boolean;
  splitByUnitPrice: boolean;
  dateAggregation: "NONE" | "DAY" | "MONTH";
  skipZeroAmount: boolean;
  emailInvoices: boolean;
  description: string;
  disabled: boolean;
  failedStep: string | null;
  errorSummary: string | null;
  sourceRunId: string | null;
  sourceRunLabel: string | null;
  quarantineRunId: string | null;
  quarantineRunLabel: string | null;
  initiatorType: string;
  initiatorName: string | null;
  accountsCount: number;
  itemsCount: number;
  linesCount: number;
  invoicesCount: number;
  postedCount: number;
  failedAccountsCount: number;
  hasFailures: boolean;
  totals: Totals;
  invoiceCounts: Record<string, number>;
  createdAt: Date | string;
  availableActions: RunAction[];
  processLabel: string | null;
  runningJob: { id: string; kind: JobKind; done: number; total: number; startedAt: Date | string } | null;
};

export type Execution = {
  id: string;
  kind: JobKind;
  status: "RUNNING" | "SUCCEEDED" | "FAILED";
  startedAt: Date | string;
  endedAt: Date | string | null;
  done: number;
  total: number;
  error: string | null;
  driver: string | null;
  log: { at: string; level: "info" | "warn" | "error"; message: string }[];
};

export type RunFailure = Outputs["billingRuns"]["failures"][number];
export type RunStatistics = Outputs["billingRuns"]["statistics"];

export type InvoiceStatus = "DRAFT" | "SUSPECT" | "REJECTED" | "POSTED" | "CANCELED";
export type InvoiceType = "INVOICE" | "CREDIT_NOTE";
export type InvoiceRow = Omit<Outputs["invoices"]["list"]["rows"][number], "status" | "type"> & {
  status: InvoiceStatus;
  type: InvoiceType;
};

export type { PartySnapshot };

export type InvoiceDetail = {
  id: string;
  number: string | null;
  type: InvoiceType;
  status: InvoiceStatus;
  reason: string | null;
  accountId: string;
  accountName: string;
  currency: string;
  netTotal: string;
  taxTotal: string;
  grossTotal: string;
  invoiceDate: string;
  dueDate: string;
  linesCount: number;
  buyer: PartySnapshot;
  postedAt: Date | string | null;
  billingRunId: string;
  billingRunLabel: string;
  originRunId: string;
  originRunLabel: string;
  lines: {
    id: string;
    description: string;
    chargeCode: string;
    chargeType: string;
    subscriptionName: string | null;
    quantity: string;
    unitPrice: string | null;
    amount: string;
    vatCategory: string;
    vatRate: string;
    periodStart: string;
    periodEnd: string;
    itemsCount: number;
  }[];
  vatBreakdown: { vatCategory: string; vatRate: string; taxableAmount: string; taxAmount: string; exemptionReason: string | null }[];
  statusHistory: { fromStatus: InvoiceStatus | null; toStatus: InvoiceStatus; reason: string | null; actor: string | null; at: Date | string }[];
};

export type BulkAction = Inputs["invoices"]["bulkAction"]["action"];
export type BulkResult = {
  results: { invoiceId: string; number: string | null; outcome: "DONE" | "SKIPPED"; reason?: string }[];
  quarantineRunId?: string | null;
};
