import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Tx } from "@/db/client";

// Releasing the rated items of invoices or lines that will not be posted: used by CANCEL and by INVOICES (zero-amount
// accounts skipped).

export type ItemsMode = "REOPEN" | "CANCEL";

/**
 * Releases the rated items of (origin run, account) pairs: REOPEN deletes their claims (items become billable
 * again), CANCEL marks the items CANCELED (never invoiced). Claims of posted invoices are protected by a trigger.
 * The pair's items are found through rated_items' (tenant, account) index and checked against the claims' primary key.
 */
export async function releaseItems(tx: Tx, tenantId: string, pairs: SQL, items: ItemsMode): Promise<number> {
  const statement =
    items === "REOPEN"
      ? sql`WITH p AS (${pairs}), done AS (
              DELETE FROM rated_item_claims c USING rated_items r, p
              WHERE r.tenant_id = ${tenantId} AND r.account_id = p.account_id AND c.rated_item_id = r.id
                AND c.billing_run_id = p.run_id AND c.tenant_id = ${tenantId}
              RETURNING r.account_id, r.usage_date, r.status),
            lowered AS (
              ${lowerMarksToReleased(tenantId, sql`SELECT account_id, min(usage_date) AS first FROM done WHERE status = 'OPEN' GROUP BY account_id ORDER BY account_id`)}
              RETURNING 1)
            SELECT count(*)::int AS n FROM done`
      : sql`WITH p AS (${pairs}), done AS (
              UPDATE rated_items r SET status = 'CANCELED'
              FROM rated_item_claims c, p
              WHERE r.tenant_id = ${tenantId} AND r.account_id = p.account_id AND c.rated_item_id = r.id
                AND c.billing_run_id = p.run_id AND c.tenant_id = ${tenantId}
              RETURNING 1)
            SELECT count(*)::int AS n FROM done`;
  const [row] = await withNestedLoops(tx, () => queryRows<{ n: number }>(tx, statement));
  return row.n;
}

/**
 * Claims released (REOPEN, a correction credit note's re-bill): the items are open again, so their accounts' marks
 * come down to them, `released` giving (account_id, first: the earliest usage date released). Both bounds, as the
 * released items are at or below the accounts' claimed_through (migrations 0014, 0028). No condition on the mark's
 * current value, so the update waits for a lines chunk holding the mark and then lowers the value that chunk raised.
 */
export function lowerMarksToReleased(tenantId: string, released: SQL): SQL {
  return sql`UPDATE account_item_marks m SET open_from = LEAST(m.open_from, d.first), probe_from = LEAST(m.probe_from, d.first)
    FROM (${released}) d
    WHERE m.tenant_id = ${tenantId} AND m.account_id = d.account_id`;
}

/**
 * Runs lookup-shaped statements (a few keys, then index probes) with nested loops allowed: chunk transactions
 * disable them for their bulk statements, and a hash join here would read every claim ever made.
 */
async function withNestedLoops<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  const [{ previous }] = await queryRows<{ previous: string }>(tx, sql`SELECT current_setting('enable_nestloop') AS previous`);
  await tx.execute(sql`SELECT set_config('enable_nestloop', 'on', true)`);
  const result = await work();
  await tx.execute(sql`SELECT set_config('enable_nestloop', ${previous}, true)`);
  return result;
}
