import {
  bigint,
  char,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { invoiceStatus, invoiceType, lineKind, vatCategory } from "./enums";

export type PartySnapshot = {
  name: string;
  email?: string | null;
  addressLine?: string | null;
  city?: string | null;
  postalCode?: string | null;
  country?: string | null;
  vatId?: string | null;
  electronicAddressScheme?: string | null;
  electronicAddress?: string | null;
  // fixed when the invoice is created (account, subscription or run), like the rest of the snapshot
  buyerReference?: string | null;
  purchaseOrderReference?: string | null;
  einvoiceFormat?: "NONE" | "PEPPOL" | "XRECHNUNG" | "FACTURX";
};

export const invoices = pgTable(
  "invoices",
  {
    // Time-ordered (UUID version 7, db/migrations/0026): a run's new invoices sit together at the end of the primary key and
    // of every index keyed by invoice id (VAT subtotals, status history, findings) instead of one random page each.
    id: uuid("id").primaryKey().default(sql`uuid_v7()`),
    // The runs and the account belong to the invoice's tenant: checked once per INSERT statement and on any change of
    // these columns by triggers (db/migrations/0006_invoice_reference_checks.sql), not by row-level foreign keys
    // (four trigger calls per invoice, ~a third of creating a run's drafts); referenced runs and accounts cannot go.
    tenantId: text("tenant_id").notNull(),
    // null only for a credit note correcting a posted invoice (not part of any run; 0016's invoices_run_or_correction_check)
    billingRunId: uuid("billing_run_id"),
    // the run that created the invoice (differs from billingRunId once quarantined); null for a correction credit note
    originRunId: uuid("origin_run_id"),
    accountId: uuid("account_id").notNull(),
    type: invoiceType("type").notNull(),
    status: invoiceStatus("status").notNull().default("DRAFT"),
    reason: text("reason"),
    number: text("number"),
    currency: char("currency", { length: 3 }).notNull(),
    invoiceDate: date("invoice_date", { mode: "string" }).notNull(),
    dueDate: date("due_date", { mode: "string" }).notNull(),
    netTotal: numeric("net_total").notNull(),
    taxTotal: numeric("tax_total").notNull(),
    grossTotal: numeric("gross_total").notNull(),
    linesCount: integer("lines_count").notNull().default(0),
    buyer: jsonb("buyer").$type<PartySnapshot>().notNull(),
    // shown on the document; editable while the invoice is not posted
    memo: text("memo"),
    postedAt: timestamp("posted_at", { withTimezone: true }),
    // a credit note issued from a posted invoice (db/schema/credit-notes.ts): the invoice it corrects and why
    correctsInvoiceId: uuid("corrects_invoice_id"),
    creditReason: text("credit_reason"),
    // BT-6 / BT-111, fixed when posted (migration 0021): the VAT accounting currency, and for a foreign-currency invoice
    // the tenant's rate used and its date; null on drafts, which look them up
    vatAccountingCurrency: char("vat_accounting_currency", { length: 3 }),
    vatExchangeRate: numeric("vat_exchange_rate"),
    vatExchangeRateDate: date("vat_exchange_rate_date", { mode: "string" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invoices_run_account_uq").on(t.billingRunId, t.accountId),
    uniqueIndex("invoices_origin_account_uq").on(t.originRunId, t.accountId),
    // Partial indexes: a run's drafts (the bulk of every run) are written with three index entries, not six.
    // Numbers exist from posting on; the account's posted invoices serve the change-% rule; the rare statuses serve
    // the review filters and the "rejected invoices left?" check. A run's other invoices are read by (run, account).
    uniqueIndex("invoices_tenant_type_number_uq").on(t.tenantId, t.type, t.number).where(sql`number IS NOT NULL`),
    index("invoices_run_flagged_idx").on(t.billingRunId, t.status).where(sql`status IN ('SUSPECT', 'REJECTED', 'CANCELED')`),
    index("invoices_tenant_account_posted_idx").on(t.tenantId, t.accountId, t.postedAt).where(sql`status = 'POSTED'`),
    index("invoices_corrects_idx").on(t.correctsInvoiceId).where(sql`corrects_invoice_id IS NOT NULL`),
  ],
);

// A line belongs to the invoice with the same origin run and account (one invoice per account per run),
// so creating drafts never has to update lines.
export const invoiceLines = pgTable(
  "invoice_lines",
  {
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity(),
    // No foreign keys on purpose (bulk table written only by the set-based lines stage from rated_items).
    tenantId: text("tenant_id").notNull(),
    billingRunId: uuid("billing_run_id").notNull(),
    accountId: uuid("account_id").notNull(),
    subscriptionId: uuid("subscription_id"),
    chargeId: uuid("charge_id").notNull(),
    description: text("description").notNull(),
    quantity: numeric("quantity").notNull(),
    unitPrice: numeric("unit_price"),
    // rounded half-up to the currency's minor unit, once per line
    amount: numeric("amount").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    vatCategory: vatCategory("vat_category").notNull(),
    vatRate: numeric("vat_rate", { precision: 5, scale: 2 }).notNull(),
    // determined per line (server/tax): VATEX code and text for categories without VAT; why the VAT could not be
    // determined (the invoice is then REJECTED with it)
    vatExemptionCode: text("vat_exemption_code"),
    vatExemptionReason: text("vat_exemption_reason"),
    taxError: text("tax_error"),
    kind: lineKind("kind").notNull().default("CHARGE"),
    // the items' own description when they all share it (per-item lines, credits)
    itemDescription: text("item_description"),
    periodStart: date("period_start", { mode: "string" }).notNull(),
    periodEnd: date("period_end", { mode: "string" }).notNull(),
    itemsCount: integer("items_count").notNull(),
  },
  // Lines are read by run and account, never by id alone: the key is the one index a lines chunk writes into (a
  // separate id key and (run, account) index cost 600,000 more index entries per million-item run).
  (t) => [primaryKey({ name: "invoice_lines_pkey", columns: [t.billingRunId, t.accountId, t.id] })],
);

// VAT breakdown (EN 16931 BG-23): one row per category + rate of an invoice.
export const invoiceTaxSubtotals = pgTable(
  "invoice_tax_subtotals",
  {
    // an invoice of the same tenant: checked per INSERT statement (0006), like the status history's
    invoiceId: uuid("invoice_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    vatCategory: vatCategory("vat_category").notNull(),
    vatRate: numeric("vat_rate", { precision: 5, scale: 2 }).notNull(),
    taxableAmount: numeric("taxable_amount").notNull(),
    taxAmount: numeric("tax_amount").notNull(),
    exemptionReason: text("exemption_reason"),
    exemptionReasonCode: text("exemption_reason_code"),
  },
  (t) => [uniqueIndex("invoice_tax_subtotals_uq").on(t.invoiceId, t.vatCategory, t.vatRate)],
);

export const invoiceStatusHistory = pgTable(
  "invoice_status_history",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text("tenant_id").notNull(),
    invoiceId: uuid("invoice_id").notNull(),
    fromStatus: invoiceStatus("from_status"),
    toStatus: invoiceStatus("to_status").notNull(),
    reason: text("reason"),
    actor: text("actor"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("invoice_status_history_invoice_idx").on(t.invoiceId, t.at)],
);
