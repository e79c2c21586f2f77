import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Tx } from "@/db/client";
import type { RunRow } from "../runs-core";
import { inRange, type Chunk, type ChunkResult } from "./chunks";
import { releaseItems, type ItemsMode } from "./release-items";

// CANCEL: cancel the invoices that are not posted and reopen (or cancel) their rated items.

/** Cancels the given (non-posted) invoices and releases their items. Returns the canceled invoice ids. */
export async function cancelInvoices(
  tx: Tx,
  tenantId: string,
  invoiceWhere: SQL,
  items: ItemsMode,
  actor: string,
  reason: string | null,
): Promise<{ ids: string[]; items: number }> {
  const target = sql`SELECT id, origin_run_id, account_id FROM invoices
    WHERE tenant_id = ${tenantId} AND status IN ('DRAFT', 'SUSPECT', 'REJECTED') AND ${invoiceWhere}`;
  const released = await releaseItems(tx, tenantId, sql`SELECT origin_run_id AS run_id, account_id FROM (${target}) t`, items);
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`WITH old AS (${target} FOR UPDATE),
        prev AS (SELECT i.id, i.status FROM invoices i JOIN old ON old.id = i.id),
        upd AS (
          UPDATE invoices i SET status = 'CANCELED', reason = coalesce(${reason}, i.reason), updated_at = now()
          FROM prev WHERE i.id = prev.id
          RETURNING i.id, prev.status AS from_status),
        history AS (
          INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, reason, actor)
          SELECT ${tenantId}, id, from_status, 'CANCELED', ${reason ?? (items === "REOPEN" ? "Canceled, items reopened" : "Canceled, items canceled")}, ${actor}
          FROM upd RETURNING 1)
        SELECT id::text FROM upd`,
  );
  return { ids: rows.map((r) => r.id), items: released };
}

export async function cancelChunk(tx: Tx, run: RunRow, chunk: Chunk, items: ItemsMode): Promise<ChunkResult> {
  // Lines of accounts that never got an invoice of this run (lines created, or invoicing not reached).
  const linesOnly = await releaseItems(
    tx,
    run.tenantId,
    sql`SELECT DISTINCT l.billing_run_id AS run_id, l.account_id FROM invoice_lines l
        WHERE l.billing_run_id = ${run.id}::uuid AND ${inRange(sql`l.account_id`, chunk)}
          AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.origin_run_id = ${run.id}::uuid AND i.account_id = l.account_id)`,
    items,
  );
  const canceled = await cancelInvoices(
    tx,
    run.tenantId,
    sql`billing_run_id = ${run.id}::uuid AND ${inRange(sql`account_id`, chunk)}`,
    items,
    "system",
    null,
  );
  const verb = items === "REOPEN" ? "reopened" : "canceled";
  return { done: chunk.size, log: `chunk ${chunk.no + 1}: ${canceled.ids.length} invoices canceled, ${linesOnly + canceled.items} rated items ${verb}` };
}
