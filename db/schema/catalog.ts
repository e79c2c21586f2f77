import { boolean, integer, numeric, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organization } from "./auth";
import { chargeType, lineGrouping, taxClass, vatCategory } from "./enums";

export const charges = pgTable(
  "charges",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    label: text("label").notNull(),
    type: chargeType("type").notNull(),
    vatCategory: vatCategory("vat_category").notNull().default("S"),
    vatRate: numeric("vat_rate", { precision: 5, scale: 2 }).notNull(),
    vatExemptionReason: text("vat_exemption_reason"),
    // What the charge sells, for VAT: the line's category and rate are determined from it and the buyer (server/tax).
    // vat_category / vat_rate stay the charge's own setting: the rate is used where the rate table has none.
    taxClass: taxClass("tax_class").notNull().default("STANDARD"),
    // VATEX code (BT-121) of an EXEMPT charge
    vatExemptionCode: text("vat_exemption_code"),
    lineGrouping: lineGrouping("line_grouping").notNull().default("AGGREGATE"),
    // the invoice PDF lists the items behind this charge's lines in an annex (server/documents/usage-annex.ts)
    usageAnnex: boolean("usage_annex").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("charges_tenant_code_uq").on(t.tenantId, t.code), unique("charges_tenant_id_uq").on(t.tenantId, t.id)],
);

export const billingCycles = pgTable(
  "billing_cycles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    // MONTHLY on day N (1–28)
    calendar: text("calendar").notNull().default("MONTHLY"),
    dayOfMonth: integer("day_of_month").notNull().default(1),
    invoiceDateDelayDays: integer("invoice_date_delay_days").notNull().default(0),
    dueDateDelayDays: integer("due_date_delay_days").notNull().default(30),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("billing_cycles_tenant_name_uq").on(t.tenantId, t.name)],
);
