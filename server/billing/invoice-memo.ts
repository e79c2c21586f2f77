import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { conflict, notFound } from "@/server/errors";

/**
 * Sets or clears an invoice's own memo (printed on its PDF after the run's memo). A posted or canceled invoice is never
 * changed: the update is conditional on the status, so it cannot race with posting (the PDF is rendered after posting).
 */
export async function saveInvoiceMemo(db: Queryable, tenantId: string, input: { id: string; memo: string | null }) {
  const [saved] = await queryRows<{ id: string; memo: string | null }>(
    db,
    sql`UPDATE invoices SET memo = ${input.memo}, updated_at = now()
         WHERE tenant_id = ${tenantId} AND id = ${input.id}::uuid AND status IN ('DRAFT', 'SUSPECT', 'REJECTED')
         RETURNING id, memo`,
  );
  if (saved) return saved;
  const [found] = await queryRows<{ status: string; number: string | null }>(
    db,
    sql`SELECT status, number FROM invoices WHERE tenant_id = ${tenantId} AND id = ${input.id}::uuid`,
  );
  if (!found) throw notFound("Invoice");
  throw conflict(`invoice ${found.number ?? input.id} is ${found.status}: its memo can only be changed before it is posted`);
}
