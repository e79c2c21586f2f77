import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import type { RunRow } from "../runs-core";
import type { StepKind } from "../state-machine";
import type { LineCountersDelta } from "../run-counters";
import { uuidArray } from "./sql-arrays";

// Stage work: set-based SQL over chunks of accounts. Every chunk is idempotent (re-running it after a crash
// finds nothing left to do for the accounts it already handled) and runs in one transaction.

/** Accounts (by id) in (after, upTo]; null bounds are open. */
export type Chunk = { no: number; after: string | null; upTo: string | null; size: number };

export type ChunkResult = { done: number; log?: string; failures?: number; lineCounters?: LineCountersDelta };

export function inRange(column: SQL, chunk: Pick<Chunk, "after" | "upTo">): SQL {
  const parts: SQL[] = [];
  if (chunk.after) parts.push(sql`${column} > ${chunk.after}::uuid`);
  if (chunk.upTo) parts.push(sql`${column} <= ${chunk.upTo}::uuid`);
  return parts.length ? sql.join(parts, sql` AND `) : sql`TRUE`;
}

/**
 * The chunk's accounts of the run's tenant, as a condition on `customer_accounts a` (joined on the id alone, a chunk
 * would read every tenant's accounts).
 */
export const chunkAccounts = (run: Pick<RunRow, "tenantId">, chunk: Chunk) => sql`a.tenant_id = ${run.tenantId} AND ${inRange(sql`a.id`, chunk)}`;

/** The accounts a step works on, as a query returning one `id` column. */
function stepAccounts(run: RunRow, step: StepKind): SQL {
  switch (step) {
    case "LINES": {
      const where: SQL[] = [sql`a.tenant_id = ${run.tenantId}`];
      if (run.type === "CYCLE") where.push(sql`a.billing_cycle_id = ${run.billingCycleId}::uuid`);
      const f = run.filter ?? {};
      if (f.accountIds?.length) where.push(sql`a.id = ANY(${uuidArray(f.accountIds)})`);
      if (f.subscriptionIds?.length) {
        where.push(sql`a.id IN (SELECT s.account_id FROM subscriptions s WHERE s.tenant_id = ${run.tenantId} AND s.id = ANY(${uuidArray(f.subscriptionIds)}))`);
      }
      return sql`SELECT a.id FROM customer_accounts a WHERE ${sql.join(where, sql` AND `)}`;
    }
    case "INVOICES":
      return sql`SELECT DISTINCT l.account_id AS id FROM invoice_lines l WHERE l.billing_run_id = ${run.id}::uuid`;
    case "POSTING":
      return sql`SELECT i.account_id AS id FROM invoices i
                 WHERE i.tenant_id = ${run.tenantId} AND i.billing_run_id = ${run.id}::uuid AND i.status IN ('DRAFT', 'SUSPECT')`;
    case "CANCEL":
      return sql`SELECT i.account_id AS id FROM invoices i
                   WHERE i.tenant_id = ${run.tenantId} AND i.billing_run_id = ${run.id}::uuid AND i.status IN ('DRAFT', 'SUSPECT', 'REJECTED')
                 UNION SELECT l.account_id FROM invoice_lines l WHERE l.billing_run_id = ${run.id}::uuid`;
  }
}

/** Splits the step's accounts into chunks of `size`. */
export async function planChunks(db: Queryable, run: RunRow, step: StepKind, size: number): Promise<{ chunks: Chunk[]; total: number }> {
  return planIdChunks(db, stepAccounts(run, step), size);
}

/**
 * Splits the ids a query returns (one `id` column, uuids) into chunks of `size` in id order; computed in SQL, only
 * the boundaries reach JS. Used for runs' account chunks and document jobs' invoice chunks.
 */
export async function planIdChunks(db: Queryable, ids: SQL, size: number): Promise<{ chunks: Chunk[]; total: number }> {
  const rows = await queryRows<{ id: string; rn: string; total: string }>(
    db,
    sql`SELECT id::text, rn, total FROM (
          SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS total FROM (${ids}) s
        ) x WHERE rn % ${size} = 0 OR rn = total ORDER BY rn`,
  );
  const chunks: Chunk[] = [];
  let after: string | null = null;
  let prev = 0;
  rows.forEach((row, i) => {
    const last = i === rows.length - 1;
    chunks.push({ no: i, after, upTo: last ? null : row.id, size: Number(row.rn) - prev });
    after = row.id;
    prev = Number(row.rn);
  });
  return { chunks, total: rows.length ? Number(rows[0].total) : 0 };
}
