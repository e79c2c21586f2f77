// Value lists shared by the database enums (db/schema/enums.ts), the server's input schemas and the dashboard's
// URL state. Plain constants, so client bundles can import them without pulling in the ORM.

export const RUN_STATUSES = [
  "NEW",
  "CREATING_LINES",
  "LINES_CREATED",
  "CREATING_INVOICES",
  "DRAFTS_READY",
  "POSTING",
  "POSTED",
  "FAILED",
  "CANCELING",
  "CANCELED",
] as const;
export const RUN_TYPES = ["CYCLE", "EXCEPTIONAL", "QUARANTINE"] as const;
export const RUN_SORTS = ["number", "createdAt", "invoiceDate", "cutoffDate", "status"] as const;

export const INVOICE_STATUSES = ["DRAFT", "SUSPECT", "REJECTED", "POSTED", "CANCELED"] as const;
export const INVOICE_TYPES = ["INVOICE", "CREDIT_NOTE"] as const;
export const INVOICE_SORTS = ["number", "accountName", "grossTotal", "netTotal", "status", "type", "createdAt"] as const;
