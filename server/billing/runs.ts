import { sql } from "drizzle-orm";
import type { z } from "zod";
import { queryRows, type Db, type Queryable } from "@/db/client";
import type { JobLogEntry, RunFilter, RunTotals } from "@/db/schema";
import { recordAudit } from "@/server/audit/audit-log";
import { badRequest, conflict, notFound } from "@/server/errors";
import { postRun as requestPost, requestCancel, requestProcess } from "./run-transitions";
import { createRunInput, type CreateRunInput } from "@/lib/billing-inputs";
import { formatRunNumber } from "./run-list";
import { allocateNumbers, iso, loadRun, withDates, type Actor } from "./runs-core";
import { secondsLeftSql } from "./run-activity";
import { uuidArray } from "./stages";
import { assertSellerProfile } from "@/server/tenants/onboarding";
import { availableActions, DISABLEABLE, processLabel, SAVEABLE, type RunStatus, type StepKind } from "./state-machine";

// Billing-run services: (db, tenantId, input) → data; DomainError on refusal. No tRPC, no HTTP.

const today = () => new Date().toISOString().slice(0, 10);

export async function runFormOptions(db: Queryable, tenantId: string) {
  const cycles = await queryRows<{ id: string; name: string; invoiceDateDelayDays: number; dueDateDelayDays: number }>(
    db,
    sql`SELECT id, name, invoice_date_delay_days AS "invoiceDateDelayDays", due_date_delay_days AS "dueDateDelayDays"
        FROM billing_cycles WHERE tenant_id = ${tenantId} AND active ORDER BY name`,
  );
  return {
    cycles,
    defaults: {
      type: "CYCLE" as const,
      billingCycleId: cycles[0]?.id ?? null,
      invoiceDate: today(),
      cutoffDate: today(),
      mode: "REVIEW" as const,
      onReject: "HOLD" as const,
      groupBySubscription: false,
      splitByUnitPrice: false,
      dateAggregation: "NONE" as const,
      skipZeroAmount: false,
      emailInvoices: false,
    },
  };
}

/** The run's cycle and filter ids exist in the tenant (NOT_FOUND / BAD_REQUEST naming the field otherwise). */
export async function checkRunTargets(db: Queryable, tenantId: string, input: z.output<typeof createRunInput>) {
  let cycleName: string | null = null;
  if (input.type === "CYCLE") {
    const [cycle] = await queryRows<{ name: string }>(
      db,
      sql`SELECT name FROM billing_cycles WHERE id = ${input.billingCycleId}::uuid AND tenant_id = ${tenantId}`,
    );
    if (!cycle) throw notFound("Billing cycle");
    cycleName = cycle.name;
  }
  const filter = input.type === "EXCEPTIONAL" ? input.filter ?? {} : null;
  if (filter?.accountIds?.length) {
    const [{ n }] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM customer_accounts WHERE tenant_id = ${tenantId} AND id = ANY(${uuidArray(filter.accountIds)})`,
    );
    if (n !== new Set(filter.accountIds).size) {
      throw badRequest("Some accounts do not exist", [{ field: "filter.accountIds", message: "unknown account id(s)" }]);
    }
  }
  if (filter?.subscriptionIds?.length) {
    const [{ n }] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM subscriptions WHERE tenant_id = ${tenantId} AND id = ANY(${uuidArray(filter.subscriptionIds)})`,
    );
    if (n !== new Set(filter.subscriptionIds).size) {
      throw badRequest("Some subscriptions do not exist", [{ field: "filter.subscriptionIds", message: "unknown subscription id(s)" }]);
    }
  }
  return { cycleName, filter };
}

/** Creates a run in NEW with its generated description and a human number (BR-000042). */
export async function createRun(
  db: Db,
  tenantId: string,
  rawInput: CreateRunInput,
  actor: Actor,
  extra: { sourceRunId?: string; /** a schedule's period: at most one run per cycle and period */ scheduledPeriod?: string } = {},
) {
  const input = createRunInput.parse(rawInput);
  await assertSellerProfile(db, tenantId);
  const { cycleName, filter } = await checkRunTargets(db, tenantId, input);
  const what =
    input.type === "CYCLE"
      ? `${cycleName} cycle`
      : `Exceptional run (${[
          filter?.accountIds?.length ? `${filter.accountIds.length} account${filter.accountIds.length > 1 ? "s" : ""}` : null,
          filter?.subscriptionIds?.length ? `${filter.subscriptionIds.length} subscription${filter.subscriptionIds.length > 1 ? "s" : ""}` : null,
          filter?.chargeTypes?.length ? filter.chargeTypes.join("/").toLowerCase() + " charges" : null,
        ]
          .filter(Boolean)
          .join(", ")})`;
  const description = input.description ?? `${what} — invoice date ${input.invoiceDate} — cut-off ${input.cutoffDate}`;
  return db.transaction(async (tx) => {
    const number = await allocateNumbers(tx, tenantId, "BILLING_RUN", "", 1);
    const [row] = await queryRows<{ id: string; number: number }>(
      tx,
      sql`INSERT INTO billing_runs (tenant_id, number, type, billing_cycle_id, filter, invoice_date, cutoff_date, mode, on_reject,
            group_by_subscription, split_by_unit_price, date_aggregation, skip_zero_amount, email_invoices, description, memo,
            initiator_type, initiator_user_id, initiator_api_key_id, source_run_id, buyer_reference, purchase_order_reference, scheduled_period)
          VALUES (${tenantId}, ${number}, ${input.type}::billing_run_type, ${input.type === "CYCLE" ? input.billingCycleId! : null}::uuid,
            ${filter ? JSON.stringify(filter) : null}::jsonb, ${input.invoiceDate}::date, ${input.cutoffDate}::date,
            ${input.mode}::billing_run_mode, ${input.onReject}::on_reject_action, ${input.groupBySubscription}, ${input.splitByUnitPrice},
            ${input.dateAggregation}::date_aggregation, ${input.skipZeroAmount}, ${input.emailInvoices}, ${description}, ${input.memo ?? null},
            ${actor.type}::initiator_type, ${actor.type === "USER" ? actor.userId : null}, ${actor.type === "API_KEY" ? actor.apiKeyId : null}::uuid,
            ${extra.sourceRunId ?? null}::uuid, ${input.buyerReference ?? null}, ${input.purchaseOrderReference ?? null}, ${extra.scheduledPeriod ?? null})
          ON CONFLICT (billing_cycle_id, scheduled_period) WHERE scheduled_period IS NOT NULL DO NOTHING
          RETURNING id, number`,
    );
    // another scheduler created this period's run first; throwing rolls back the run number too (no gap)
    if (!row) throw conflict(`the ${cycleName} cycle already has its run for ${extra.scheduledPeriod}`);
    const label = formatRunNumber(row.number);
    await recordAudit(tx, { tenantId, actor, action: "run.create", entityType: "run", entityId: row.id, after: { label, ...input, scheduledPeriod: extra.scheduledPeriod ?? null, sourceRunId: extra.sourceRunId ?? null } });
    return { id: row.id, number: row.number, label };
  });
}

export type RunDetail = {
  id: string;
  number: number;
  type: "CYCLE" | "EXCEPTIONAL" | "QUARANTINE";
  status: RunStatus;
  mode: "MANUAL" | "REVIEW" | "AUTO_POST";
  onReject: "QUARANTINE" | "HOLD" | "CANCEL";
  billingCycleId: string | null;
  cycleName: string | null;
  filter: RunFilter | null;
  invoiceDate: string;
  cutoffDate: string;
  groupBySubscription: boolean;
  splitByUnitPrice: boolean;
  dateAggregation: "NONE" | "DAY" | "MONTH";
  skipZeroAmount: boolean;
  emailInvoices: boolean;
  description: string;
  memo: string | null;
  disabled: boolean;
  failedStep: StepKind | null;
  errorSummary: string | null;
  sourceRunId: string | null;
  sourceRunNumber: number | null;
  quarantineRunId: string | null;
  quarantineRunNumber: number | null;
  initiatorType: "USER" | "API_KEY" | "WEBHOOK" | "SYSTEM";
  initiatorName: string | null;
  accountsCount: number;
  itemsCount: number;
  linesCount: number;
  invoicesCount: number;
  postedCount: number;
  failedAccountsCount: number;
  hasFailures: boolean;
  totals: RunTotals;
  createdAt: Date;
  updatedAt: Date;
};

export async function getRun(db: Queryable, tenantId: string, runId: string) {
  const [run] = await queryRows<RunDetail>(
    db,
    sql`SELECT b.id, b.number, b.type, b.status, b.mode, b.on_reject AS "onReject", b.billing_cycle_id AS "billingCycleId",
          c.name AS "cycleName", b.filter, b.invoice_date::text AS "invoiceDate", b.cutoff_date::text AS "cutoffDate",
          b.group_by_subscription AS "groupBySubscription", b.split_by_unit_price AS "splitByUnitPrice",
          b.date_aggregation AS "dateAggregation", b.skip_zero_amount AS "skipZeroAmount", b.email_invoices AS "emailInvoices",
          b.description, b.memo, b.disabled, b.failed_step AS "failedStep", b.error_summary AS "errorSummary",
          b.source_run_id AS "sourceRunId", src.number AS "sourceRunNumber",
          q.id AS "quarantineRunId", q.number AS "quarantineRunNumber",
          b.initiator_type AS "initiatorType", u.name AS "initiatorName",
          b.accounts_count AS "accountsCount", b.items_count AS "itemsCount", b.lines_count AS "linesCount",
          b.invoices_count AS "invoicesCount", b.posted_count AS "postedCount", b.failed_accounts_count AS "failedAccountsCount",
          b.has_failures AS "hasFailures", b.totals, ${iso("b.created_at")} AS "createdAt", ${iso("b.updated_at")} AS "updatedAt"
        FROM billing_runs b
        LEFT JOIN billing_cycles c ON c.id = b.billing_cycle_id
        LEFT JOIN billing_runs src ON src.id = b.source_run_id
        LEFT JOIN billing_runs q ON q.source_run_id = b.id AND q.type = 'QUARANTINE'
        LEFT JOIN "user" u ON u.id = b.initiator_user_id
        WHERE b.id = ${runId}::uuid AND b.tenant_id = ${tenantId}`,
  );
  if (!run) throw notFound("Billing run");
  const [runningJob] = await queryRows<{ id: string; kind: string; done: number; total: number; startedAt: Date; secondsLeft: number | null }>(
    db,
    sql`SELECT id, kind, done, total, ${iso("started_at")} AS "startedAt", ${secondsLeftSql} AS "secondsLeft" FROM job_executions
        WHERE billing_run_id = ${runId}::uuid AND tenant_id = ${tenantId} AND status = 'RUNNING' ORDER BY started_at DESC LIMIT 1`,
  );
  const [counts] = await queryRows<{ draft: number; suspect: number; rejected: number; posted: number; canceled: number }>(
    db,
    sql`SELECT count(*) FILTER (WHERE status = 'DRAFT')::int AS draft, count(*) FILTER (WHERE status = 'SUSPECT')::int AS suspect,
          count(*) FILTER (WHERE status = 'REJECTED')::int AS rejected, count(*) FILTER (WHERE status = 'POSTED')::int AS posted,
          count(*) FILTER (WHERE status = 'CANCELED')::int AS canceled
        FROM invoices WHERE billing_run_id = ${runId}::uuid AND tenant_id = ${tenantId}`,
  );
  const r = run;
  return {
    ...withDates(run, ["createdAt", "updatedAt"]),
    label: formatRunNumber(run.number),
    sourceRunLabel: run.sourceRunNumber ? formatRunNumber(run.sourceRunNumber) : null,
    quarantineRunLabel: run.quarantineRunNumber ? formatRunNumber(run.quarantineRunNumber) : null,
    invoiceCounts: counts,
    availableActions: availableActions(r),
    processLabel: processLabel(r),
    runningJob: runningJob ? withDates(runningJob, ["startedAt"]) : null,
  };
}

export const processRun = (db: Db, tenantId: string, runId: string, actor: Actor) => requestProcess(db, tenantId, runId, actor);
export const postRun = (db: Db, tenantId: string, runId: string, actor: Actor) => requestPost(db, tenantId, runId, actor);

export const cancelRun = (db: Db, tenantId: string, input: { id: string; items: "REOPEN" | "CANCEL" }, actor: Actor) =>
  requestCancel(db, tenantId, input.id, input.items, actor);

/** Disable / Enable: one conditional update; disabled runs are skipped by every job. */
export async function setRunDisabled(db: Db, tenantId: string, input: { id: string; disabled: boolean }, actor: Actor) {
  const changed = await db.transaction(async (tx) => {
    const rows = await queryRows<{ id: string; was: boolean }>(
      tx,
      sql`UPDATE billing_runs b SET disabled = ${input.disabled}, updated_at = now()
          FROM (SELECT id, disabled FROM billing_runs WHERE id = ${input.id}::uuid AND tenant_id = ${tenantId} FOR UPDATE) old
          WHERE b.id = old.id AND b.status::text = ANY(${sql.raw(`ARRAY['${DISABLEABLE.join("','")}']`)})
          RETURNING b.id, old.disabled AS was`,
    );
    if (!rows.length) return false;
    await recordAudit(tx, { tenantId, actor, action: input.disabled ? "run.disable" : "run.enable", entityType: "run", entityId: input.id, before: { disabled: rows[0].was }, after: { disabled: input.disabled } });
    return true;
  });
  if (!changed) {
    const run = await loadRun(db, tenantId, input.id);
    throw conflict(`${formatRunNumber(run.number)} cannot be ${input.disabled ? "disabled" : "enabled"} while ${run.status}`);
  }
  return { id: input.id, disabled: input.disabled };
}

/** Save: the description is the only field editable after creation. */
export async function saveRunDescription(db: Db, tenantId: string, input: { id: string; description: string }, actor: Actor) {
  const saved = await db.transaction(async (tx) => {
    const rows = await queryRows<{ id: string; before: string }>(
      tx,
      sql`UPDATE billing_runs b SET description = ${input.description}, updated_at = now()
          FROM (SELECT id, description FROM billing_runs WHERE id = ${input.id}::uuid AND tenant_id = ${tenantId} FOR UPDATE) old
          WHERE b.id = old.id AND b.status::text = ANY(${sql.raw(`ARRAY['${SAVEABLE.join("','")}']`)})
          RETURNING b.id, old.description AS before`,
    );
    if (!rows.length) return false;
    await recordAudit(tx, { tenantId, actor, action: "run.description", entityType: "run", entityId: input.id, before: { description: rows[0].before }, after: { description: input.description } });
    return true;
  });
  if (!saved) {
    const run = await loadRun(db, tenantId, input.id);
    throw conflict(`${formatRunNumber(run.number)} is processing (${run.status}); save the description when the job is done`);
  }
  return { id: input.id, description: input.description };
}

/** Retry failed: a new exceptional run for exactly the accounts that failed, with the same settings. */
export async function retryFailedAccounts(db: Db, tenantId: string, runId: string, actor: Actor) {
  const run = await loadRun(db, tenantId, runId);
  const failed = await queryRows<{ account_id: string }>(
    db,
    sql`SELECT DISTINCT account_id::text FROM run_failures WHERE billing_run_id = ${runId}::uuid AND tenant_id = ${tenantId}`,
  );
  if (!failed.length) throw conflict(`${formatRunNumber(run.number)} has no failed accounts`);
  const created = await createRun(
    db,
    tenantId,
    {
      type: "EXCEPTIONAL",
      filter: { accountIds: failed.map((f) => f.account_id) },
      invoiceDate: run.invoiceDate,
      cutoffDate: run.cutoffDate,
      mode: run.mode,
      onReject: run.onReject,
      groupBySubscription: run.groupBySubscription,
      splitByUnitPrice: run.splitByUnitPrice,
      dateAggregation: run.dateAggregation,
      skipZeroAmount: run.skipZeroAmount,
      emailInvoices: run.emailInvoices,
      description: `Retry of the ${failed.length} failed account${failed.length > 1 ? "s" : ""} of ${formatRunNumber(run.number)} — invoice date ${run.invoiceDate} — cut-off ${run.cutoffDate}`,
    },
    actor,
    { sourceRunId: run.id },
  );
  return created;
}

export async function listExecutions(db: Queryable, tenantId: string, runId: string) {
  await loadRun(db, tenantId, runId);
  const rows = await queryRows<{
    id: string;
    kind: string;
    status: string;
    startedAt: Date;
    endedAt: Date | null;
    done: number;
    total: number;
    error: string | null;
    driver: string | null;
    log: JobLogEntry[];
    secondsLeft: number | null;
  }>(
    db,
    sql`SELECT id, kind, status, ${iso("started_at")} AS "startedAt", ${iso("ended_at")} AS "endedAt", done, total, error, driver, log,
          ${secondsLeftSql} AS "secondsLeft"
        FROM job_executions WHERE billing_run_id = ${runId}::uuid AND tenant_id = ${tenantId} ORDER BY started_at DESC, id`,
  );
  return rows.map((r) => withDates(r, ["startedAt", "endedAt"]));
}

export async function listFailures(db: Queryable, tenantId: string, runId: string) {
  await loadRun(db, tenantId, runId);
  const rows = await queryRows<{
    accountId: string;
    accountName: string;
    subscriptionId: string | null;
    subscriptionName: string | null;
    step: string;
    reason: string;
    createdAt: Date;
  }>(
    db,
    sql`SELECT f.account_id AS "accountId", a.name AS "accountName", f.subscription_id AS "subscriptionId", s.name AS "subscriptionName",
          f.step, f.reason, ${iso("f.created_at")} AS "createdAt"
        FROM run_failures f JOIN customer_accounts a ON a.id = f.account_id LEFT JOIN subscriptions s ON s.id = f.subscription_id
        WHERE f.billing_run_id = ${runId}::uuid AND f.tenant_id = ${tenantId} ORDER BY a.name, f.step`,
  );
  return rows.map((r) => withDates(r, ["createdAt"]));
}
