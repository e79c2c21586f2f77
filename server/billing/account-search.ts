import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { searchAccountsInput } from "@/lib/review-inputs";

// Finding an account by name or external id (the holds page's picker; GET /api/v1/accounts).

export type AccountMatch = { id: string; name: string; externalId: string; onHold: boolean };

export async function searchAccounts(db: Queryable, tenantId: string, rawInput: { query?: string; limit?: number } = {}) {
  const input = searchAccountsInput.parse(rawInput);
  const pattern = `%${input.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return queryRows<AccountMatch>(
    db,
    sql`SELECT a.id, a.name, a.external_id AS "externalId",
          EXISTS (SELECT 1 FROM account_holds h WHERE h.account_id = a.id AND h.released_at IS NULL AND (h.expires_at IS NULL OR h.expires_at > now())) AS "onHold"
        FROM customer_accounts a
        WHERE a.tenant_id = ${tenantId} AND (a.name ILIKE ${pattern} OR a.external_id ILIKE ${pattern})
        ORDER BY a.name, a.id LIMIT ${input.limit}`,
  );
}
