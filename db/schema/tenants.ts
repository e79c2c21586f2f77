import { sql } from "drizzle-orm";
import { char, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { organization } from "./auth";
import { bytea } from "./documents";

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
  // PDF footer and letterhead (db/migrations/0018_documents_i18n.sql checks the logo's size and type)
  tradeRegister: text("trade_register"),
  managingDirectors: text("managing_directors"),
  logo: bytea("logo"),
  logoMimeType: text("logo_mime_type"),
  // the language of documents for accounts without one of their own (server/documents/i18n/languages.ts)
  defaultLanguage: text("default_language").notNull().default("en"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
