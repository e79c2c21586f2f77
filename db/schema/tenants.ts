import { sql } from "drizzle-orm";
import { boolean, char, check, date, numeric, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
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
  // VAT: registered for the One-Stop-Shop, and other member states where the tenant is registered for VAT itself
  ossRegistered: boolean("oss_registered").notNull().default(false),
  vatRegistrations: text("vat_registrations")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  notificationRecipients: text("notification_recipients")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  // seller contact (BT-41/42/43) and registered electronic address (BT-34, EAS scheme)
  contactName: text("contact_name"),
  contactPhone: text("contact_phone"),
  contactEmail: text("contact_email"),
  electronicAddressScheme: text("electronic_address_scheme"),
  electronicAddress: text("electronic_address"),
  // the currency VAT is accounted in (BT-6); null: the tenant's default currency
  vatAccountingCurrency: char("vat_accounting_currency", { length: 3 }),
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

// Exchange rates the tenant provides: `rate` units of its VAT accounting currency for one unit of `currency`, valid
// from `rate_date` (an invoice uses the latest rate on or before its invoice date; BT-111).
export const exchangeRates = pgTable(
  "exchange_rates",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    currency: char("currency", { length: 3 }).notNull(),
    rateDate: date("rate_date", { mode: "string" }).notNull(),
    rate: numeric("rate").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.currency, t.rateDate] })],
);

// VAT rates by country, type and start date: shipped rows (tenant_id NULL, seeded from server/tax/eu-vat-data.ts) and a
// tenant's own rows, which win over the shipped ones for their country and type. A row is valid until the next one.
export const vatRates = pgTable(
  "vat_rates",
  {
    tenantId: text("tenant_id").references(() => organization.id, { onDelete: "cascade" }),
    country: char("country", { length: 2 }).notNull(),
    rateType: text("rate_type").$type<"STANDARD" | "REDUCED">().notNull(),
    rate: numeric("rate", { precision: 5, scale: 2 }).notNull(),
    validFrom: date("valid_from", { mode: "string" }).notNull(),
  },
  (t) => [unique("vat_rates_uq").on(t.tenantId, t.country, t.rateType, t.validFrom).nullsNotDistinct()],
);

// The VAT ids of the member states where the tenant is registered for VAT itself. tenant_profiles.vat_registrations
// holds the same countries for the determination; server/tax/tax-settings.ts writes both in one transaction.
export const tenantVatRegistrations = pgTable(
  "tenant_vat_registrations",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    country: char("country", { length: 2 }).notNull(),
    vatId: text("vat_id").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.country] }),
    check("tenant_vat_registrations_country_check", sql`${t.country} ~ '^[A-Z]{2}$'`),
    check("tenant_vat_registrations_vat_id_check", sql`length(btrim(${t.vatId})) BETWEEN 4 AND 20`),
  ],
);
