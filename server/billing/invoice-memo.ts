import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { recordAudit } from "@/server/audit/audit-log";
import { conflict, notFound } from "@/server/errors";
import type { Actor } from "./runs-core";

/**
 * Sets or clears an invoice's own memo (printed on its PDF after the run's memo). A posted or canceled invoice is never
 * changed: the update is conditional on the status, so it cannot race with posting (the PDF is rendered after posting).
 */
export async function saveInvoiceMemo(db: Db, tenantId: string, input: { id: string; memo: string | null }, actor: Actor) {
  const saved = await db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: string; memo: string | null; before: string | null }>(
      tx,
      sql`UPDATE invoices i SET memo = ${input.memo}, updated_at = now()
           FROM (SELECT id, memo FROM invoices WHERE tenant_id = ${tenantId} AND id = ${input.id}::uuid FOR UPDATE) old
           WHERE i.id = old.id AND i.status IN ('DRAFT', 'SUSPECT', 'REJECTED')
           RETURNING i.id, i.memo, old.memo AS before`,
    );
    if (row) await recordAudit(tx, { tenantId, actor, action: "invoice.memo", entityType: "invoice", entityId: row.id, before: { memo: row.before }, after: { memo: row.memo } });
    return row;
  });
  if (saved) return { id: saved.id, memo: saved.memo };
  const [found] = await queryRows<{ status: string; number: string | null }>(
    db,
    sql`SELECT status, number FROM invoices WHERE tenant_id = ${tenantId} AND id = ${input.id}::uuid`,
  );
  if (!found) throw notFound("Invoice");
  throw conflict(`invoice ${found.number ?? input.id} is ${found.status}: its memo can only be changed before it is posted`);
}
