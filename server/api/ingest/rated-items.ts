import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { badRequest, type FieldIssue } from "@/server/errors";
import { ingestRatedItemsInput, type IngestRatedItemsInput } from "./schemas";

type Unresolved = {
  i: number;
  account: string;
  subscription: string | null;
  charge: string;
  noAccount: boolean;
  noCharge: boolean;
  noSubscription: boolean;
  otherAccount: boolean;
};

export type IngestResult = { received: number; inserted: number; duplicates: number };

/**
 * Stores a batch of rated items in one set-based statement. The whole batch is validated first; references
 * are resolved within the tenant in the same statement, and any unknown one stores nothing. Items whose
 * external id the tenant already has are skipped, so sending a batch again (even concurrently) stores each item once.
 */
export async function ingestRatedItems(db: Queryable, tenantId: string, rawInput: IngestRatedItemsInput): Promise<IngestResult> {
  const { items } = ingestRatedItemsInput.parse(rawInput);
  const column = (pick: (item: (typeof items)[number]) => string | undefined) => pgArrayLiteral(items.map(pick));
  // Fast path: leave out the external ids the tenant already has and insert plainly (ON CONFLICT's speculative
  // insertion costs ~40 % more per row). A concurrent batch with the same ids makes the plain insert fail on the
  // unique key after the other commits; the statement is then run again with ON CONFLICT DO NOTHING.
  // (Called outside a transaction: the failed statement leaves nothing behind.)
  const run = (onConflict: boolean) =>
    queryRows<{ inserted: number; badCount: number; bad: Unresolved[] }>(
      db,
      // One array parameter per column (not one per value: 10,000 rows × 10 columns would exceed the protocol's
      // 65,535 parameters), unnested into rows; cheaper for Postgres than parsing the batch as jsonb.
      sql`WITH input AS (
            SELECT r.i - 1 AS i, r.e, r.a, r.s, r.c, r.d, r.q, r.p, r.m, r.cur, r.u
            FROM unnest(${column((x) => x.externalId)}::text[], ${column((x) => x.accountExternalId)}::text[],
              ${column((x) => x.subscriptionExternalId)}::text[], ${column((x) => x.chargeCode)}::text[], ${column((x) => x.description)}::text[],
              ${column((x) => x.quantity)}::numeric[], ${column((x) => x.unitPrice)}::numeric[], ${column((x) => x.amount)}::numeric[],
              ${column((x) => x.currency)}::text[], ${column((x) => x.usageDate)}::date[])
              WITH ORDINALITY AS r(e, a, s, c, d, q, p, m, cur, u, i)
          ),
          -- References are looked up once per distinct value, each by its unique index: a join would hash every
          -- account and subscription of the tenant for each batch.
          acc AS MATERIALIZED (
            SELECT x.a, (SELECT id FROM customer_accounts WHERE tenant_id = ${tenantId} AND external_id = x.a) AS account_id
            FROM (SELECT DISTINCT a FROM input) x
          ), sub AS MATERIALIZED (
            SELECT x.s, found.id AS subscription_id, found.account_id AS subscription_account_id
            FROM (SELECT DISTINCT s FROM input WHERE s IS NOT NULL) x
            LEFT JOIN LATERAL (SELECT id, account_id FROM subscriptions WHERE tenant_id = ${tenantId} AND external_id = x.s) found ON TRUE
          ), ch AS MATERIALIZED (
            SELECT x.c, (SELECT id FROM charges WHERE tenant_id = ${tenantId} AND code = x.c) AS charge_id
            FROM (SELECT DISTINCT c FROM input) x
          ), resolved AS (
            SELECT r.*, acc.account_id, sub.subscription_id, sub.subscription_account_id, ch.charge_id
            FROM input r JOIN acc ON acc.a = r.a JOIN ch ON ch.c = r.c LEFT JOIN sub ON sub.s = r.s
          ), bad AS (
            SELECT i, a AS account, s AS subscription, c AS charge,
              account_id IS NULL AS "noAccount", charge_id IS NULL AS "noCharge",
              (s IS NOT NULL AND subscription_id IS NULL) AS "noSubscription",
              (subscription_account_id IS DISTINCT FROM account_id AND subscription_id IS NOT NULL AND account_id IS NOT NULL) AS "otherAccount"
            FROM resolved
            WHERE account_id IS NULL OR charge_id IS NULL OR (s IS NOT NULL AND subscription_id IS NULL)
              OR (subscription_id IS NOT NULL AND subscription_account_id IS DISTINCT FROM account_id)
          ), ins AS (
            INSERT INTO rated_items (tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount,
              currency, usage_date, external_id)
            SELECT ${tenantId}, account_id, subscription_id, charge_id, d, q, p, m, cur, u, e
            FROM resolved
            WHERE NOT EXISTS (SELECT 1 FROM bad)
              -- a probe of the unique index per item (NOT EXISTS may become a hash of every item the tenant has)
              AND (SELECT true FROM rated_items x WHERE x.tenant_id = ${tenantId} AND x.external_id = resolved.e LIMIT 1) IS NULL
            -- one insertion order for every batch, so concurrent overlapping batches wait instead of deadlocking
            ORDER BY e
            ${onConflict ? sql`ON CONFLICT (tenant_id, external_id) DO NOTHING` : sql``}
            RETURNING 1
          )
          SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM bad)::int AS "badCount",
            (SELECT coalesce(json_agg(b ORDER BY b.i), '[]'::json) FROM (SELECT * FROM bad ORDER BY i LIMIT 100) b) AS bad`,
    );
  const [result] = await run(false).catch((error: unknown) => {
    const cause = (error as { cause?: { code?: string; constraint?: string } }).cause;
    if (cause?.code === "23505" && cause.constraint === "rated_items_tenant_external_uq") return run(true);
    throw error;
  });
  if (result.badCount > 0) {
    const issues = result.bad.flatMap((row) => unresolvedIssues(row));
    const [first] = issues;
    throw badRequest(
      `${result.badCount} of ${items.length} items reference records this tenant does not have; nothing was stored. First: ${first.field}: ${first.message}`,
      issues,
    );
  }
  return { received: items.length, inserted: result.inserted, duplicates: items.length - result.inserted };
}

function unresolvedIssues(row: Unresolved): FieldIssue[] {
  const at = (field: string) => `items.${row.i}.${field}`;
  const issues: FieldIssue[] = [];
  if (row.noAccount) issues.push({ field: at("accountExternalId"), message: `unknown account "${row.account}"` });
  if (row.noSubscription) issues.push({ field: at("subscriptionExternalId"), message: `unknown subscription "${row.subscription}"` });
  if (row.otherAccount) {
    issues.push({ field: at("subscriptionExternalId"), message: `subscription "${row.subscription}" belongs to another account than "${row.account}"` });
  }
  if (row.noCharge) issues.push({ field: at("chargeCode"), message: `unknown charge "${row.charge}"` });
  return issues;
}

/** A Postgres array literal with every element quoted (NULL for undefined), sent as one text parameter. */
export function pgArrayLiteral(values: (string | undefined | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) parts[i] = "NULL";
    else if (v.includes("\\") || v.includes('"')) parts[i] = `"${v.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
    else parts[i] = `"${v}"`;
  }
  return `{${parts.join(",")}}`;
}
