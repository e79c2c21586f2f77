import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";

// The run's counters and totals, shown by the runs list and the run page while the run progresses.
// Line counters (lines, items, accounts, line totals) change only when lines are added (LINES chunks) or removed
// (zero-amount accounts skipped by INVOICES chunks): those chunks add their own difference in their transaction, so
// the counters are exact once per chunk and nothing rereads a million-item run's lines between steps. Invoice counters
// are recomputed from the run's invoices (one row per account) after every step and bulk action.

/** What a chunk changed in the run's lines; `totals` per currency ({"EUR": {"net": "…", "tax": "…"}}), numeric text. */
export type LineCountersDelta = { lines: number; items: number; accounts: number; totals?: Record<string, { net: string; tax: string }> };

/** Adds a chunk's difference to the run's line counters (in the chunk's transaction, so exactly once). */
export async function addLineCounters(db: Queryable, runId: string, delta: LineCountersDelta) {
  const totals = JSON.stringify(delta.totals ?? {});
  await db.execute(sql`
    UPDATE billing_runs SET
      lines_count = lines_count + ${delta.lines}::int,
      items_count = items_count + ${delta.items}::int,
      accounts_count = accounts_count + ${delta.accounts}::int,
      line_totals = add_run_totals(line_totals, ${totals}::jsonb),
      totals = CASE WHEN invoices_count + posted_count = 0 THEN add_run_totals(line_totals, ${totals}::jsonb) ELSE totals END,
      updated_at = now()
    WHERE id = ${runId}::uuid AND type <> 'QUARANTINE'`);
}

/**
 * Recomputes the run's invoice counters, failure flag and totals (the invoices' once there are any, else the lines');
 * a quarantine run, which has no lines of its own, counts the lines of the invoices it holds.
 */
export async function refreshRunCounters(db: Queryable, runId: string) {
  await db.execute(sql`
    WITH inv AS (
      SELECT count(*) FILTER (WHERE status <> 'CANCELED') AS invoices, count(*) FILTER (WHERE status = 'POSTED') AS posted
      FROM invoices WHERE billing_run_id = ${runId}::uuid),
    inv_totals AS (
      SELECT currency, sum(net_total) AS net, sum(tax_total) AS tax FROM invoices
      WHERE billing_run_id = ${runId}::uuid AND status <> 'CANCELED' GROUP BY currency),
    -- only a quarantine run counts its lines and accounts here (a CTE runs only where it is read; the distinct count
    -- is a sort of every invoice of the run)
    held AS (
      SELECT count(DISTINCT account_id) AS accounts, coalesce(sum(lines_count), 0) AS lines
      FROM invoices WHERE billing_run_id = ${runId}::uuid AND status <> 'CANCELED')
    UPDATE billing_runs b SET
      lines_count = CASE WHEN b.type = 'QUARANTINE' THEN (SELECT lines FROM held) ELSE b.lines_count END,
      accounts_count = CASE WHEN b.type = 'QUARANTINE' THEN (SELECT accounts FROM held) ELSE b.accounts_count END,
      items_count = CASE WHEN b.type = 'QUARANTINE' THEN (
          SELECT coalesce(sum(l.items_count), 0) FROM invoices i
          JOIN invoice_lines l ON l.billing_run_id = i.origin_run_id AND l.account_id = i.account_id WHERE i.billing_run_id = b.id)
        ELSE b.items_count END,
      invoices_count = (SELECT invoices FROM inv),
      posted_count = (SELECT posted FROM inv),
      failed_accounts_count = (SELECT count(DISTINCT account_id) FROM run_failures WHERE billing_run_id = b.id),
      has_failures = EXISTS (SELECT 1 FROM run_failures WHERE billing_run_id = b.id),
      totals = CASE WHEN (SELECT invoices + posted FROM inv) > 0
        THEN coalesce((SELECT jsonb_object_agg(currency, jsonb_build_object('net', net::text, 'tax', tax::text, 'gross', (net + tax)::text))
          FROM inv_totals), '{}'::jsonb)
        ELSE b.line_totals END,
      updated_at = now()
    WHERE b.id = ${runId}::uuid`);
}
