import { char, date, index, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { einvoiceFormat } from "./enums";
import { organization } from "./auth";
import { billingCycles } from "./catalog";
import { customerType } from "./enums";

export const customerAccounts = pgTable(
  "customer_accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    email: text("email"),
    addressLine: text("address_line"),
    city: text("city"),
    postalCode: text("postal_code"),
    country: char("country", { length: 2 }),
    vatId: text("vat_id"),
    customerType: customerType("customer_type").notNull().default("BUSINESS"),
    currency: char("currency", { length: 3 }).notNull(),
    // the documents' language; null: the tenant's default language
    language: text("language"),
    billingCycleId: uuid("billing_cycle_id").references(() => billingCycles.id),
    // Peppol electronic address (BT-49), scheme + id, e.g. 0208 / 0123456789
    electronicAddressScheme: text("electronic_address_scheme"),
    electronicAddress: text("electronic_address"),
    // BT-10 and the default BT-13 (a subscription or a run can override them); the e-invoice the buyer wants
    buyerReference: text("buyer_reference"),
    purchaseOrderReference: text("purchase_order_reference"),
    einvoiceFormat: einvoiceFormat("einvoice_format").notNull().default("NONE"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("customer_accounts_tenant_external_uq").on(t.tenantId, t.externalId),
    unique("customer_accounts_tenant_id_uq").on(t.tenantId, t.id),
    // id last: a run's chunks are planned from its cycle's account ids in order, read from this index alone
    index("customer_accounts_tenant_cycle_idx").on(t.tenantId, t.billingCycleId, t.id),
  ],
);

export const subscriptions = pgTable(
  "subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => customerAccounts.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    startDate: date("start_date", { mode: "string" }).notNull(),
    endDate: date("end_date", { mode: "string" }),
    // override the account's BT-10 / BT-13 for invoices of this subscription's account (when its subscriptions agree)
    buyerReference: text("buyer_reference"),
    purchaseOrderReference: text("purchase_order_reference"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("subscriptions_tenant_external_uq").on(t.tenantId, t.externalId),
    unique("subscriptions_tenant_id_uq").on(t.tenantId, t.id),
    index("subscriptions_account_idx").on(t.accountId),
  ],
);
