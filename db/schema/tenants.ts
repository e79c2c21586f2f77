import { sql } from "drizzle-orm";
import { char, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { organization } from "./auth";

// Seller identity and per-tenant settings. One row per organization (tenant).
export const tenantProfiles = pgTable("tenant_profiles", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => organization.id, { onDelete: "cascade" }),
  legalName: text("legal_name").notNull(),
  addressLine: text("address_line").notNull(),
  city: text("city").notNull(),
  postalCode: text("postal_code").notNull(),
  country: char("country", { length: 2 }).notNull(),
  vatId: text("vat_id").notNull(),
  iban: text("iban"),
  bic: text("bic"),
  paymentTerms: text("payment_terms").notNull().default("Payment within 30 days"),
  email: text("email"),
  defaultCurrency: char("default_currency", { length: 3 }).notNull().default("EUR"),
  // Tokens: {YYYY} year of the invoice date, {SEQ:n} sequence zero-padded to n digits.
  invoiceNumberFormat: text("invoice_number_format").notNull().default("INV-{YYYY}-{SEQ:6}"),
  creditNoteNumberFormat: text("credit_note_number_format").notNull().default("CN-{YYYY}-{SEQ:6}"),
  notificationRecipients: text("notification_recipients")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
