import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Tx } from "@/db/client";
import { conflict } from "@/server/errors";
import { formatRunNumber } from "./run-list";
import { allocateNumbers, type RunRow } from "./runs-core";

/**
 * The run's quarantine run, created on demand (type QUARANTINE, status DRAFTS_READY, linked to its source run;
 * a unique index allows one per source run). A posted or canceled quarantine run is reopened to receive more.
 */
export async function ensureQuarantineRun(tx: Tx, run: RunRow): Promise<{ id: string; number: number }> {
  if (run.type === "QUARANTINE") throw conflict(`${formatRunNumber(run.number)} is itself a quarantine run`);
  const find = () =>
    queryRows<{ id: string; number: number; status: string }>(
      tx,
      sql`SELECT id, number, status FROM billing_runs
          WHERE tenant_id = ${run.tenantId} AND source_run_id = ${run.id}::uuid AND type = 'QUARANTINE'`,
    );
  let [q] = await find();
  if (!q) {
    const number = await allocateNumbers(tx, run.tenantId, "BILLING_RUN", "", 1);
    const inserted = await queryRows<{ id: string; number: number; status: string }>(
      tx,
      sql`INSERT INTO billing_runs (tenant_id, number, type, billing_cycle_id, filter, invoice_date, cutoff_date, mode, on_reject,
            group_by_subscription, split_by_unit_price, date_aggregation, skip_zero_amount, email_invoices, description, status,
            source_run_id, initiator_type)
          SELECT tenant_id, ${number}, 'QUARANTINE', billing_cycle_id, filter, invoice_date, cutoff_date, 'REVIEW', 'HOLD',
            group_by_subscription, split_by_unit_price, date_aggregation, skip_zero_amount, email_invoices,
            ${`Quarantine of ${formatRunNumber(run.number)} — ${run.description}`}, 'DRAFTS_READY', id, 'SYSTEM'
          FROM billing_runs WHERE id = ${run.id}::uuid
          ON CONFLICT (source_run_id) WHERE type = 'QUARANTINE' DO NOTHING
          RETURNING id, number, status`,
    );
    q = inserted[0] ?? (await find())[0];
  }
  if (q.status === "POSTED" || q.status === "CANCELED") {
    await tx.execute(sql`UPDATE billing_runs SET status = 'DRAFTS_READY', updated_at = now()
      WHERE id = ${q.id}::uuid AND status IN ('POSTED', 'CANCELED')`);
  } else if (q.status !== "DRAFTS_READY") {
    throw conflict(`the quarantine run ${formatRunNumber(q.number)} is busy (${q.status}); try again when it is done`);
  }
  return { id: q.id, number: q.number };
}

/** Moves the run's not-posted invoices matching `where` to its quarantine run; their status is kept. */
export async function quarantineInvoices(
  tx: Tx,
  run: RunRow,
  where: SQL,
  actor: string,
): Promise<{ quarantineRunId: string; ids: string[] }> {
  const q = await ensureQuarantineRun(tx, run);
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`WITH moved AS (
          UPDATE invoices SET billing_run_id = ${q.id}::uuid, updated_at = now()
          WHERE tenant_id = ${run.tenantId} AND billing_run_id = ${run.id}::uuid AND status IN ('DRAFT', 'SUSPECT', 'REJECTED') AND ${where}
          RETURNING id, status),
        history AS (
          INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, reason, actor)
          SELECT ${run.tenantId}, id, status, status, ${`Quarantined to ${formatRunNumber(q.number)}`}, ${actor} FROM moved RETURNING 1)
        SELECT id::text FROM moved`,
  );
  return { quarantineRunId: q.id, ids: rows.map((r) => r.id) };
}
