import { APIError } from "better-auth/api";
import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";

/**
 * Before better-auth deletes an organization (a tenant): refused, with the reason, while the tenant has posted
 * invoices (they are kept). Everything else goes with it; the database removes the rows that have no cascade and
 * refuses posted invoices itself too (migration 0007), so this check only turns that refusal into a clear answer.
 */
export async function assertTenantDeletable(db: Queryable, tenant: { id: string; name: string }) {
  const [row] = await queryRows<{ posted: number }>(
    db,
    sql`SELECT count(*)::int AS posted FROM invoices WHERE tenant_id = ${tenant.id} AND status = 'POSTED'`,
  );
  if (row.posted > 0) {
    throw new APIError("CONFLICT", {
      message: `${tenant.name} has ${row.posted} posted invoice${row.posted === 1 ? "" : "s"} and cannot be deleted: posted invoices are kept`,
    });
  }
}
