import { sql } from "drizzle-orm";
import { bigint, char, check, date, index, numeric, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { vatCategory } from "./enums";
import { invoices } from "./invoices";

// Corrections of posted invoices by credit note (invoices.corrects_invoice_id). A correction credit note is an invoice row
// of type CREDIT_NOTE outside any billing run; its lines are here, not in invoice_lines (which belong to a run).
// Amounts are stored negative like every credit note's; the documents show them positive.
export const creditNoteLines = pgTable(
  "credit_note_lines",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text("tenant_id").notNull(),
    creditNoteId: uuid("credit_note_id")
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    /** the credited line of the original invoice (invoice_lines.id) */
    invoiceLineId: bigint("invoice_line_id", { mode: "number" }).notNull(),
    description: text("description").notNull(),
    quantity: numeric("quantity").notNull(),
    unitPrice: numeric("unit_price"),
    amount: numeric("amount").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    vatCategory: vatCategory("vat_category").notNull(),
    vatRate: numeric("vat_rate", { precision: 5, scale: 2 }).notNull(),
    periodStart: date("period_start", { mode: "string" }).notNull(),
    periodEnd: date("period_end", { mode: "string" }).notNull(),
  },
  (t) => [index("credit_note_lines_note_idx").on(t.creditNoteId, t.id)],
);

/**
 * How much of each line of a posted invoice its credit notes (drafts included: a draft reserves its amounts until it is
 * discarded) have credited. The CHECK is the over-credit guard: a credit can never exceed the line, whatever races.
 */
export const invoiceLineCredits = pgTable(
  "invoice_line_credits",
  {
    tenantId: text("tenant_id").notNull(),
    invoiceId: uuid("invoice_id")
      .notNull()
      .references(() => invoices.id),
    invoiceLineId: bigint("invoice_line_id", { mode: "number" }).notNull(),
    lineAmount: numeric("line_amount").notNull(),
    credited: numeric("credited").notNull().default("0"),
  },
  (t) => [
    primaryKey({ name: "invoice_line_credits_pkey", columns: [t.invoiceId, t.invoiceLineId] }),
    check("invoice_line_credits_within_line", sql`sign(${t.credited}) * sign(${t.lineAmount}) >= 0 AND abs(${t.credited}) <= abs(${t.lineAmount})`),
  ],
);

/** The same per VAT breakdown row (category + rate) of the original: credited taxable amount and VAT. */
export const invoiceVatCredits = pgTable(
  "invoice_vat_credits",
  {
    tenantId: text("tenant_id").notNull(),
    invoiceId: uuid("invoice_id")
      .notNull()
      .references(() => invoices.id),
    vatCategory: vatCategory("vat_category").notNull(),
    vatRate: numeric("vat_rate", { precision: 5, scale: 2 }).notNull(),
    taxableAmount: numeric("taxable_amount").notNull(),
    taxAmount: numeric("tax_amount").notNull(),
    creditedTaxable: numeric("credited_taxable").notNull().default("0"),
    creditedTax: numeric("credited_tax").notNull().default("0"),
  },
  (t) => [
    primaryKey({ name: "invoice_vat_credits_pkey", columns: [t.invoiceId, t.vatCategory, t.vatRate] }),
    check(
      "invoice_vat_credits_within_breakdown",
      sql`sign(${t.creditedTaxable}) * sign(${t.taxableAmount}) >= 0 AND abs(${t.creditedTaxable}) <= abs(${t.taxableAmount})
        AND sign(${t.creditedTax}) * sign(${t.taxAmount}) >= 0 AND abs(${t.creditedTax}) <= abs(${t.taxAmount})`,
    ),
  ],
);

/** Rated items a posted correction released for billing again (correct and re-bill): their claim by `billingRunId` is gone. */
export const rebilledItems = pgTable(
  "rebilled_items",
  {
    tenantId: text("tenant_id").notNull(),
    ratedItemId: bigint("rated_item_id", { mode: "number" }).notNull(),
    billingRunId: uuid("billing_run_id").notNull(),
    creditNoteId: uuid("credit_note_id")
      .notNull()
      .references(() => invoices.id),
  },
  (t) => [primaryKey({ name: "rebilled_items_pkey", columns: [t.ratedItemId, t.billingRunId] }), index("rebilled_items_note_idx").on(t.creditNoteId)],
);
