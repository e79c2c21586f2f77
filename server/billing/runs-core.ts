import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import type { RunFilter } from "@/db/schema";
import { notFound } from "@/server/errors";
import { formatRunNumber } from "./run-list";
import type { RunMode, RunStatus } from "./state-machine";

/** Who asks for something: a dashboard user, an API key, a webhook or the system itself. */
export type Actor =
  | { type: "USER"; userId: string }
  | { type: "API_KEY"; apiKeyId: string }
  | { type: "WEBHOOK"; apiKeyId?: undefined }
  | { type: "SYSTEM" };

export const actorLabel = (actor: Actor) =>
  actor.type === "USER" ? `user:${actor.userId}` : actor.type === "API_KEY" ? `api-key:${actor.apiKeyId}` : actor.type.toLowerCase();

export type RunRow = {
  id: string;
  tenantId: string;
  number: number;
  type: "CYCLE" | "EXCEPTIONAL" | "QUARANTINE";
  billingCycleId: string | null;
  filter: RunFilter | null;
  invoiceDate: string;
  cutoffDate: string;
  mode: RunMode;
  onReject: "QUARANTINE" | "HOLD" | "CANCEL";
  groupBySubscription: boolean;
  splitByUnitPrice: boolean;
  dateAggregation: "NONE" | "DAY" | "MONTH";
  skipZeroAmount: boolean;
  emailInvoices: boolean;
  description: string;
  disabled: boolean;
  status: RunStatus;
  failedStep: string | null;
  errorSummary: string | null;
  sourceRunId: string | null;
  hasFailures: boolean;
};

/** Loads a run of the tenant, or throws NOT_FOUND (also for another tenant's run). */
export async function loadRun(db: Queryable, tenantId: string, runId: string): Promise<RunRow> {
  const rows = await queryRows<RunRow>(
    db,
    sql`SELECT id, tenant_id AS "tenantId", number, type, billing_cycle_id AS "billingCycleId", filter,
          invoice_date::text AS "invoiceDate", cutoff_date::text AS "cutoffDate", mode, on_reject AS "onReject",
          group_by_subscription AS "groupBySubscription", split_by_unit_price AS "splitByUnitPrice",
          date_aggregation AS "dateAggregation", skip_zero_amount AS "skipZeroAmount", email_invoices AS "emailInvoices",
          description, disabled, status, failed_step AS "failedStep", error_summary AS "errorSummary",
          source_run_id AS "sourceRunId", has_failures AS "hasFailures"
        FROM billing_runs WHERE id = ${runId}::uuid AND tenant_id = ${tenantId}`,
  );
  if (!rows[0]) throw notFound("Billing run");
  return rows[0];
}

export const runLabel = (run: { number: number }) => formatRunNumber(run.number);

/** Allocates the next value of a per-tenant sequence (gapless when called inside the transaction that uses it). */
export async function allocateNumbers(db: Queryable, tenantId: string, kind: string, period: string, count: number): Promise<number> {
  await db.execute(
    sql`INSERT INTO number_sequences (tenant_id, kind, period, last_value) VALUES (${tenantId}, ${kind}, ${period}, 0)
        ON CONFLICT (tenant_id, kind, period) DO NOTHING`,
  );
  const [row] = await queryRows<{ first: string }>(
    db,
    sql`UPDATE number_sequences SET last_value = last_value + ${count}
        WHERE tenant_id = ${tenantId} AND kind = ${kind} AND period = ${period}
        RETURNING last_value - ${count} + 1 AS first`,
  );
  return Number(row.first);
}

/** Timestamps as Date whatever the driver (PGlite returns raw strings from raw SQL). Select them with `iso()`. */
export const iso = (column: string) => sql.raw(`(to_json(${column}) #>> '{}')`);
export function withDates<T extends Record<string, unknown>>(row: T, keys: string[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const k of keys) if (typeof out[k] === "string") out[k] = new Date(out[k] as string);
  return out as T;
}
