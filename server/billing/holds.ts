import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { listHoldsInput, placeHoldInput, releaseHoldInput } from "@/lib/review-inputs";
import { recordAudit } from "@/server/audit/audit-log";
import { conflict, notFound } from "@/server/errors";
import { actorLabel, iso, withDates, type Actor } from "./runs-core";

// Account holds: an account on hold is skipped by every run (its items stay OPEN) until the hold is released or
// expires; then the next run bills its items. At most one open hold per account (a partial unique index).

/** The account (`accountId`: an SQL expression) has no active hold: the lines stage's one extra condition. */
export const notOnHold = (accountId: SQL) =>
  sql`NOT EXISTS (SELECT 1 FROM account_holds h WHERE h.account_id = ${accountId} AND h.released_at IS NULL AND (h.expires_at IS NULL OR h.expires_at > now()))`;

export type HoldRow = {
  id: string;
  accountId: string;
  accountName: string;
  accountExternalId: string;
  reason: string;
  expiresAt: Date | null;
  releasedAt: Date | null;
  createdBy: string;
  releasedBy: string | null;
  createdAt: Date;
  active: boolean;
};

const holdColumns = sql`h.id, h.account_id AS "accountId", a.name AS "accountName", a.external_id AS "accountExternalId", h.reason,
  ${iso("h.expires_at")} AS "expiresAt", ${iso("h.released_at")} AS "releasedAt", h.created_by AS "createdBy", h.released_by AS "releasedBy",
  ${iso("h.created_at")} AS "createdAt", (h.released_at IS NULL AND (h.expires_at IS NULL OR h.expires_at > now())) AS active`;
const dated = (row: HoldRow) => withDates(row, ["expiresAt", "releasedAt", "createdAt"]);

export async function placeHold(db: Db, tenantId: string, rawInput: { accountId: string; reason: string; expiresAt?: string | null }, actor: Actor) {
  const input = placeHoldInput.parse(rawInput);
  const [account] = await queryRows<{ id: string }>(db, sql`SELECT id FROM customer_accounts WHERE id = ${input.accountId}::uuid AND tenant_id = ${tenantId}`);
  if (!account) throw notFound("Account");
  return db.transaction(async (tx) => {
    // an expired hold is closed (at its expiry) before a new one is placed
    await tx.execute(sql`UPDATE account_holds SET released_at = expires_at, released_by = 'expired'
      WHERE account_id = ${input.accountId}::uuid AND tenant_id = ${tenantId} AND released_at IS NULL AND expires_at <= now()`);
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO account_holds (tenant_id, account_id, reason, expires_at, created_by)
          VALUES (${tenantId}, ${input.accountId}::uuid, ${input.reason}, ${input.expiresAt ?? null}::timestamptz, ${actorLabel(actor)})
          ON CONFLICT (account_id) WHERE released_at IS NULL DO NOTHING RETURNING id`,
    );
    if (!row) throw conflict("The account is already on hold: release that hold first");
    const [hold] = await queryRows<HoldRow>(tx, sql`SELECT ${holdColumns} FROM account_holds h JOIN customer_accounts a ON a.id = h.account_id WHERE h.id = ${row.id}::uuid`);
    await recordAudit(tx, { tenantId, actor, action: "hold.place", entityType: "hold", entityId: row.id, after: { accountId: input.accountId, reason: input.reason, expiresAt: input.expiresAt ?? null } });
    return dated(hold);
  });
}

export async function releaseHold(db: Db, tenantId: string, rawInput: { id: string }, actor: Actor) {
  const input = releaseHoldInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`UPDATE account_holds SET released_at = now(), released_by = ${actorLabel(actor)}
          WHERE id = ${input.id}::uuid AND tenant_id = ${tenantId} AND released_at IS NULL RETURNING id`,
    );
    if (!rows.length) {
      const [exists] = await queryRows(tx, sql`SELECT 1 FROM account_holds WHERE id = ${input.id}::uuid AND tenant_id = ${tenantId}`);
      if (!exists) throw notFound("Hold");
      throw conflict("The hold is already released");
    }
    await recordAudit(tx, { tenantId, actor, action: "hold.release", entityType: "hold", entityId: input.id, before: { released: false }, after: { released: true } });
    return { id: input.id, released: true };
  });
}

export async function listHolds(db: Queryable, tenantId: string, rawInput: { active?: boolean } = {}) {
  const input = listHoldsInput.parse(rawInput);
  const active = sql`(h.released_at IS NULL AND (h.expires_at IS NULL OR h.expires_at > now()))`;
  const rows = await queryRows<HoldRow>(
    db,
    sql`SELECT ${holdColumns} FROM account_holds h JOIN customer_accounts a ON a.id = h.account_id
        WHERE h.tenant_id = ${tenantId} ${input.active === undefined ? sql`` : input.active ? sql`AND ${active}` : sql`AND NOT ${active}`}
        ORDER BY h.created_at DESC LIMIT 500`,
  );
  return rows.map(dated);
}

/**
 * What a run leaves out because of holds: the active held accounts with open items the run would bill (its cycle,
 * before its cut-off) and those items' amounts per currency.
 */
export async function heldForRun(db: Queryable, run: { tenantId: string; type: string; billingCycleId: string | null; cutoffDate: string }) {
  const cycle = run.type === "CYCLE" ? sql`AND a.billing_cycle_id = ${run.billingCycleId}::uuid` : sql``;
  const rows = await queryRows<{ accounts: number; items: number; currency: string | null; amount: string | null }>(
    db,
    sql`WITH held AS (
          SELECT r.account_id, r.currency, r.amount FROM account_holds h
          JOIN customer_accounts a ON a.id = h.account_id ${cycle}
          JOIN rated_items r ON r.tenant_id = ${run.tenantId} AND r.account_id = h.account_id AND r.status = 'OPEN' AND r.usage_date < ${run.cutoffDate}::date
          WHERE h.tenant_id = ${run.tenantId} AND h.released_at IS NULL AND (h.expires_at IS NULL OR h.expires_at > now()))
        SELECT (SELECT count(DISTINCT account_id)::int FROM held) AS accounts, (SELECT count(*)::int FROM held) AS items,
          c.currency, c.amount::text AS amount
        FROM (SELECT 1) one LEFT JOIN (SELECT currency, sum(amount) AS amount FROM held GROUP BY currency) c ON TRUE
        ORDER BY c.currency`,
  );
  return {
    accounts: rows[0]?.accounts ?? 0,
    items: rows[0]?.items ?? 0,
    amounts: Object.fromEntries(rows.filter((r) => r.currency).map((r) => [r.currency!, r.amount!])) as Record<string, string>,
  };
}
