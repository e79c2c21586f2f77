// Value lists shared by the database enums (db/schema/enums.ts), the server's input schemas and the dashboard's
// URL state. Plain constants, so client bundles can import them without pulling in the ORM.

export const RUN_STATUSES = [
  "NEW",
  "CREATING_LINES",
  "LINES_CREATED",
  "CREATING_INVOICES",
  "DRAFTS_READY",
  "AWAITING_APPROVAL",
  "POSTING",
  "POSTED",
  "FAILED",
  "CANCELING",
  "CANCELED",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses in which a step job works on the run (the run state machine's; the dashboard polls while in them). */
export const RUNNING_STATUSES: readonly RunStatus[] = ["CREATING_LINES", "CREATING_INVOICES", "POSTING", "CANCELING"];
export const RUN_TYPES = ["CYCLE", "EXCEPTIONAL", "QUARANTINE"] as const;
export const RUN_MODES = ["MANUAL", "REVIEW", "AUTO_POST"] as const;
export const ON_REJECT_ACTIONS = ["QUARANTINE", "HOLD", "CANCEL"] as const;
export const DATE_AGGREGATIONS = ["NONE", "DAY", "MONTH"] as const;
export const RUN_SORTS = ["number", "createdAt", "invoiceDate", "cutoffDate", "status"] as const;

export const CHARGE_TYPES = ["ONE_SHOT", "RECURRING", "USAGE"] as const;

export const INVOICE_STATUSES = ["DRAFT", "SUSPECT", "REJECTED", "POSTED", "CANCELED"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const INVOICE_TYPES = ["INVOICE", "CREDIT_NOTE"] as const;
export const INVOICE_SORTS = ["number", "accountName", "grossTotal", "netTotal", "status", "type", "createdAt"] as const;
/** Review actions on a run's invoices (one invoice or a bulk selection). */
export const INVOICE_ACTIONS = ["VALIDATE", "REJECT", "QUARANTINE", "CANCEL"] as const;
export type InvoiceAction = (typeof INVOICE_ACTIONS)[number];
/** What happens to the rated items of canceled invoices or runs: billable again, or canceled for good. */
export const ITEMS_MODES = ["REOPEN", "CANCEL"] as const;

/** Validation rules (Settings → Review rules); each match is stored as an explained finding on the invoice. */
export const RULE_KINDS = [
  "AMOUNT_ABOVE",
  "ZERO_AMOUNT",
  "CHANGE_PERCENT",
  "MISSING_BUYER_DATA",
  "USAGE_CHANGE_PERCENT",
  "FIRST_INVOICE",
  "CREDIT_NOTE",
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const RULE_SEVERITIES = ["SUSPECT", "REJECTED"] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];
