import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  char,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { organization, user } from "./auth";
import { billingCycles } from "./catalog";
import { customerAccounts, subscriptions } from "./customers";
import {
  billingRunMode,
  billingRunStatus,
  billingRunType,
  dateAggregation,
  initiatorType,
  jobKind,
  jobStatus,
  onRejectAction,
  ruleKind,
  ruleSeverity,
} from "./enums";

export type RunFilter = { accountIds?: string[]; subscriptionIds?: string[]; chargeTypes?: string[] };
export type RunTotals = Record<string, { net: string; tax: string; gross: string }>;

export const billingRuns = pgTable(
  "billing_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    type: billingRunType("type").notNull(),
    billingCycleId: uuid("billing_cycle_id").references(() => billingCycles.id),
    filter: jsonb("filter").$type<RunFilter>(),
    invoiceDate: date("invoice_date", { mode: "string" }).notNull(),
    cutoffDate: date("cutoff_date", { mode: "string" }).notNull(),
    mode: billingRunMode("mode").notNull().default("REVIEW"),
    onReject: onRejectAction("on_reject").notNull().default("HOLD"),
    groupBySubscription: boolean("group_by_subscription").notNull().default(false),
    splitByUnitPrice: boolean("split_by_unit_price").notNull().default(false),
    dateAggregation: dateAggregation("date_aggregation").notNull().default("NONE"),
    skipZeroAmount: boolean("skip_zero_amount").notNull().default(false),
    emailInvoices: boolean("email_invoices").notNull().default(false),
    description: text("description").notNull(),
    // BT-10 / BT-13 for every invoice of this run (e.g. the buyer's PO for this period), over subscription and account
    buyerReference: text("buyer_reference"),
    purchaseOrderReference: text("purchase_order_reference"),
    // printed on every document of the run (set when the run is created)
    memo: text("memo"),
    disabled: boolean("disabled").notNull().default(false),
    status: billingRunStatus("status").notNull().default("NEW"),
    // The step that failed, retried by Process when status is FAILED.
    failedStep: text("failed_step"),
    errorSummary: text("error_summary"),
    sourceRunId: uuid("source_run_id").references((): AnyPgColumn => billingRuns.id),
    initiatorType: initiatorType("initiator_type").notNull().default("USER"),
    initiatorUserId: text("initiator_user_id").references(() => user.id),
    initiatorApiKeyId: uuid("initiator_api_key_id"),
    accountsCount: integer("accounts_count").notNull().default(0),
    itemsCount: integer("items_count").notNull().default(0),
    linesCount: integer("lines_count").notNull().default(0),
    invoicesCount: integer("invoices_count").notNull().default(0),
    postedCount: integer("posted_count").notNull().default(0),
    failedAccountsCount: integer("failed_accounts_count").notNull().default(0),
    hasFailures: boolean("has_failures").notNull().default(false),
    totals: jsonb("totals").$type<RunTotals>().notNull().default(sql`'{}'::jsonb`),
    // The totals of the run's lines, kept up to date by the chunks that add or remove lines (see run-counters.ts);
    // `totals` shows them until the run has invoices.
    lineTotals: jsonb("line_totals").$type<RunTotals>().notNull().default(sql`'{}'::jsonb`),
  // approval before posting (server/billing/approvals.ts): who asked to post (cannot approve), optional timed auto-post
  postRequestedByUserId: text("post_requested_by_user_id"),
  autoPostAt: timestamp("auto_post_at", { withTimezone: true }),
  // the schedule period (YYYY-MM) a scheduled run was created for; unique per cycle
  scheduledPeriod: text("scheduled_period"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("billing_runs_tenant_number_uq").on(t.tenantId, t.number),
    // at most one quarantine run per source run
    uniqueIndex("billing_runs_quarantine_source_uq").on(t.sourceRunId).where(sql`type = 'QUARANTINE'`),
    index("billing_runs_tenant_created_idx").on(t.tenantId, t.createdAt),
    uniqueIndex("billing_runs_cycle_period_uq").on(t.billingCycleId, t.scheduledPeriod).where(sql`scheduled_period IS NOT NULL`),
  ],
);

// Append-only claim: the primary key guarantees a rated item is claimed by at most one run.
// No foreign keys on purpose: rows are only written by INSERT … SELECT from rated_items inside the
// lines stage, and per-row FK triggers would double the cost of claiming a million items.
// No secondary index either: a run's items of an account are reached through rated_items' (tenant, account) index
// and this primary key; an index by run or by line would cost one more index insert per claimed item.
// (The line an item went to follows from the run, the item's account and the run's grouping keys.)
export const ratedItemClaims = pgTable("rated_item_claims", {
  ratedItemId: bigint("rated_item_id", { mode: "number" }).primaryKey(),
  tenantId: text("tenant_id").notNull(),
  billingRunId: uuid("billing_run_id").notNull(),
});

export type JobLogEntry = { at: string; level: "info" | "warn" | "error"; message: string };

export const jobExecutions = pgTable(
  "job_executions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    billingRunId: uuid("billing_run_id")
      .notNull()
      .references(() => billingRuns.id, { onDelete: "cascade" }),
    kind: jobKind("kind").notNull(),
    status: jobStatus("status").notNull().default("RUNNING"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    done: integer("done").notNull().default(0),
    total: integer("total").notNull().default(0),
    error: text("error"),
    driver: text("driver"),
    log: jsonb("log").$type<JobLogEntry[]>().notNull().default(sql`'[]'::jsonb`),
    // Chunk bookkeeping: each chunk is counted once (retried chunks are idempotent), the last one finishes the stage.
    // step options, e.g. { items: "REOPEN" } for a cancel; copied when a failed or abandoned job is retried
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    chunksTotal: integer("chunks_total").notNull().default(0),
    doneChunks: integer("done_chunks").array().notNull().default(sql`'{}'::integer[]`),
    // Liveness: a RUNNING execution whose heartbeat is stale was abandoned (crash) and may be taken over by Process.
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("job_executions_run_idx").on(t.billingRunId, t.startedAt),
    // one running execution of a kind per run
    uniqueIndex("job_executions_running_uq").on(t.billingRunId, t.kind).where(sql`status = 'RUNNING'`),
  ],
);

export const runFailures = pgTable(
  "run_failures",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    billingRunId: uuid("billing_run_id")
      .notNull()
      .references(() => billingRuns.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => customerAccounts.id),
    subscriptionId: uuid("subscription_id").references(() => subscriptions.id),
    step: text("step").notNull(),
    reason: text("reason").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("run_failures_run_account_step_uq").on(t.billingRunId, t.accountId, t.step)],
);

export const numberSequences = pgTable(
  "number_sequences",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    // INVOICE | CREDIT_NOTE | BILLING_RUN
    kind: text("kind").notNull(),
    // the year for formats containing {YYYY}, '' otherwise
    period: text("period").notNull().default(""),
    lastValue: bigint("last_value", { mode: "number" }).notNull().default(0),
  },
  (t) => [uniqueIndex("number_sequences_pk").on(t.tenantId, t.kind, t.period)],
);

export const validationRules = pgTable("validation_rules", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: text("tenant_id")
    .notNull()
    .references(() => organization.id, { onDelete: "cascade" }),
  kind: ruleKind("kind").notNull(),
  severity: ruleSeverity("severity").notNull(),
  threshold: numeric("threshold"),
  // AMOUNT_ABOVE per currency (null: any currency without a rule of its own)
  currency: char("currency", { length: 3 }),
  reason: text("reason").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
