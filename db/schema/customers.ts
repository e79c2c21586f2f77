import { char, date, index, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organization } from "./auth";
import { billingCycles } from "./catalog";

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
    currency: char("currency", { length: 3 }).notNull(),
    // the documents' language; null: the tenant's default language
    language: text("language"),
    billingCycleId: uuid("billing_cycle_id").references(() => billingCycles.id),
    // Peppol electronic address (BT-49), scheme + id, e.g. 0208 / 0123456789
    electronicAddressScheme: text("electronic_address_scheme"),
    electronicAddress: text("electronic_address"),
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("subscriptions_tenant_external_uq").on(t.tenantId, t.externalId),
    unique("subscriptions_tenant_id_uq").on(t.tenantId, t.id),
    index("subscriptions_account_idx").on(t.accountId),
  ],
);
