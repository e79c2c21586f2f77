import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { formatRunNumber } from "@/lib/run-number";
import { recordAudit } from "@/server/audit/audit-log";
import { conflict, notFound } from "@/server/errors";
import type { Actor } from "./runs-core";

/** Statuses whose invoices are not posted (nor being posted, nor waiting for an approver who saw the memo). */
const MEMO_EDITABLE = ["NEW", "LINES_CREATED", "DRAFTS_READY"] as const;

/**
 * Sets or clears the run's memo, printed on every invoice and credit note of the run (before an invoice's own memo).
 * Conditional on the status, so it cannot race with posting: posted documents keep the memo they were posted with.
 */
export async function saveRunMemo(db: Db, tenantId: string, input: { id: string; memo: string | null }, actor: Actor) {
  return db.transaction(async (tx) => {
    const [before] = await queryRows<{ memo: string | null; status: string; number: number }>(
      tx,
      sql`SELECT memo, status, number FROM billing_runs WHERE tenant_id = ${tenantId} AND id = ${input.id}::uuid FOR UPDATE`,
    );
    if (!before) throw notFound("Billing run");
    const [saved] = await queryRows<{ id: string; memo: string | null }>(
      tx,
      sql`UPDATE billing_runs SET memo = ${input.memo}, updated_at = now()
           WHERE tenant_id = ${tenantId} AND id = ${input.id}::uuid
             AND status::text IN (${sql.join(MEMO_EDITABLE.map((s) => sql`${s}`), sql`, `)})
           RETURNING id, memo`,
    );
    if (!saved) {
      throw conflict(`${formatRunNumber(before.number)} is ${before.status}: its memo can only be changed before posting or approval is requested`);
    }
    await recordAudit(tx, { tenantId, actor, action: "run.memo.update", entityType: "run", entityId: input.id, before: { memo: before.memo }, after: { memo: saved.memo } });
    return saved;
  });
}
