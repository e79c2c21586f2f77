import { sql } from "drizzle-orm";
import { bigint, boolean, char, check, index, integer, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organization } from "./auth";
import { billingRuns } from "./billing-runs";
import { billingCycles } from "./catalog";
import { customerAccounts } from "./customers";
import { billingRunMode, initiatorType, ruleKind, ruleSeverity } from "./enums";
import { invoices } from "./invoices";

// Review by exception (#19): explained findings, approvals before posting, account holds, audit log, schedules.

/** One row per rule an invoice matched when its draft was created: measured value, threshold, previous value. */
export const invoiceFindings = pgTable(
  "invoice_findings",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text("tenant_id").notNull(),
    invoiceId: uuid("invoice_id")
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    // the run that created the invoice (its origin run)
    billingRunId: uuid("billing_run_id").notNull(),
    ruleKind: ruleKind("rule_kind").notNull(),
    severity: ruleSeverity("severity").notNull(),
    // USAGE_CHANGE_PERCENT: the charge whose usage changed
    chargeId: uuid("charge_id"),
    value: numeric("value"),
    previousValue: numeric("previous_value"),
    changePercent: numeric("change_percent"),
    threshold: numeric("threshold"),
    currency: char("currency", { length: 3 }),
    previousInvoiceId: uuid("previous_invoice_id"),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("invoice_findings_invoice_idx").on(t.invoiceId), index("invoice_findings_run_idx").on(t.billingRunId, t.ruleKind)],
);

export const approvalPolicies = pgTable(
  "approval_policies",
  {
    tenantId: text("tenant_id")
      .primaryKey()
      .references(() => organization.id, { onDelete: "cascade" }),
    // OFF | ALWAYS | ABOVE (the run's gross total in a currency above that currency's approval_thresholds row, or more
    // invoices than invoiceCountAbove)
    mode: text("mode").notNull().default("OFF"),
    invoiceCountAbove: integer("invoice_count_above"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  () => [check("approval_policies_mode_check", sql`mode IN ('OFF', 'ALWAYS', 'ABOVE')`)],
);

/** The ABOVE policy's gross-total threshold per currency (migration 0025); a currency without a row never triggers by amount. */
export const approvalThresholds = pgTable(
  "approval_thresholds",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => approvalPolicies.tenantId, { onDelete: "cascade" }),
    currency: char("currency", { length: 3 }).notNull(),
    grossAbove: numeric("gross_above").notNull(),
  },
  (t) => [
    primaryKey({ name: "approval_thresholds_pkey", columns: [t.tenantId, t.currency] }),
    check("approval_thresholds_amount_check", sql`gross_above > 0 AND scale(gross_above) <= currency_exponent(currency)`),
  ],
);

export const runApprovals = pgTable(
  "run_approvals",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    billingRunId: uuid("billing_run_id")
      .notNull()
      .references(() => billingRuns.id, { onDelete: "cascade" }),
    // REQUESTED | APPROVED | SENT_BACK | HELD | AUTO_POSTED
    decision: text("decision").notNull(),
    actorType: initiatorType("actor_type").notNull(),
    userId: text("user_id"),
    apiKeyId: uuid("api_key_id"),
    comment: text("comment"),
    postAt: timestamp("post_at", { withTimezone: true }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("run_approvals_run_idx").on(t.billingRunId, t.at),
    check("run_approvals_decision_check", sql`decision IN ('REQUESTED', 'APPROVED', 'SENT_BACK', 'HELD', 'AUTO_POSTED')`),
  ],
);

export const accountHolds = pgTable(
  "account_holds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => customerAccounts.id, { onDelete: "cascade" }),
    reason: text("reason").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    releasedAt: timestamp("released_at", { withTimezone: true }),
    createdBy: text("created_by").notNull(),
    releasedBy: text("released_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("account_holds_open_uq").on(t.accountId).where(sql`released_at IS NULL`),
    index("account_holds_tenant_idx").on(t.tenantId, t.createdAt),
  ],
);

export const billingSchedules = pgTable(
  "billing_schedules",
  {
    billingCycleId: uuid("billing_cycle_id")
      .primaryKey()
      .references(() => billingCycles.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    // 1–31; a shorter month runs on its last day
    dayOfMonth: integer("day_of_month").notNull(),
    timeOfDay: text("time_of_day").notNull().default("06:00"),
    timeZone: text("time_zone").notNull().default("Europe/Berlin"),
    cutoffOffsetDays: integer("cutoff_offset_days").notNull().default(0),
    invoiceDateOffsetDays: integer("invoice_date_offset_days").notNull().default(0),
    // what the scheduler does: MANUAL creates the run only, REVIEW creates and processes it to drafts, AUTO_POST posts it too
    mode: billingRunMode("mode").notNull().default("REVIEW"),
    enabled: boolean("enabled").notNull().default(true),
    // the first period (YYYY-MM) the schedule may create a run for: a new schedule does not catch up on the past
    startsPeriod: text("starts_period").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("billing_schedules_tenant_idx").on(t.tenantId),
    check("billing_schedules_day_check", sql`day_of_month BETWEEN 1 AND 31`),
    check("billing_schedules_offsets_check", sql`cutoff_offset_days BETWEEN -31 AND 31 AND invoice_date_offset_days BETWEEN -31 AND 31`),
    check("billing_schedules_time_check", sql`time_of_day ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
  ],
);
