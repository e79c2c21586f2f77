import { pgEnum } from "drizzle-orm/pg-core";
import { INVOICE_STATUSES, INVOICE_TYPES, RULE_KINDS, RUN_STATUSES, RUN_TYPES } from "@/lib/billing-values";

// approver: an operator who may also approve runs waiting for approval before posting (four eyes); admins and owners may too
export const memberRole = ["owner", "admin", "approver", "operator", "viewer"] as const;
export type MemberRole = (typeof memberRole)[number];

export const chargeType = pgEnum("charge_type", ["ONE_SHOT", "RECURRING", "USAGE"]);
// EN 16931 VAT category codes (UNCL5305 subset used by BT-151 / BT-118)
export const vatCategory = pgEnum("vat_category", ["S", "Z", "E", "AE", "K", "G", "O", "L", "M"]);
// What a charge sells, for VAT (server/tax/tax-engine.ts), and who buys it.
export const taxClass = pgEnum("tax_class", ["STANDARD", "REDUCED", "ZERO", "EXEMPT", "ELECTRONIC_SERVICE", "GOODS", "GOODS_REDUCED"]);
export const customerType = pgEnum("customer_type", ["BUSINESS", "CONSUMER"]);
// An invoice line's (and a rated item's) kind: credits, discounts and refunds are never netted into a charge's line.
export const lineKind = pgEnum("line_kind", ["CHARGE", "CREDIT", "DISCOUNT", "REFUND"]);
// How a charge's items become lines: aggregated (per the run's settings), one line per item, or per unit price.
export const lineGrouping = pgEnum("line_grouping", ["AGGREGATE", "PER_ITEM", "PER_PRICE"]);
export const ratedItemStatus = pgEnum("rated_item_status", ["OPEN", "BILLED", "CANCELED"]);

export const billingRunType = pgEnum("billing_run_type", RUN_TYPES);
export const billingRunStatus = pgEnum("billing_run_status", RUN_STATUSES);
export const billingRunMode = pgEnum("billing_run_mode", ["MANUAL", "REVIEW", "AUTO_POST"]);
export const onRejectAction = pgEnum("on_reject_action", ["QUARANTINE", "HOLD", "CANCEL"]);
export const dateAggregation = pgEnum("date_aggregation", ["NONE", "DAY", "MONTH"]);
export const initiatorType = pgEnum("initiator_type", ["USER", "API_KEY", "WEBHOOK", "SYSTEM"]);

export const jobKind = pgEnum("job_kind", ["LINES", "INVOICES", "POSTING", "PDF", "XML", "EMAIL", "CANCEL"]);
export const jobStatus = pgEnum("job_status", ["RUNNING", "SUCCEEDED", "FAILED"]);

export const invoiceType = pgEnum("invoice_type", INVOICE_TYPES);
export const invoiceStatus = pgEnum("invoice_status", INVOICE_STATUSES);
export const ruleSeverity = pgEnum("rule_severity", ["SUSPECT", "REJECTED"]);
export const ruleKind = pgEnum("rule_kind", RULE_KINDS);

export const einvoiceFormat = pgEnum("einvoice_format", ["NONE", "PEPPOL", "XRECHNUNG", "FACTURX"]);

export const documentKind = pgEnum("document_kind", ["PDF", "XML"]);
export const emailStatus = pgEnum("email_status", ["PENDING", "SENT", "OUTBOX", "FAILED"]);
