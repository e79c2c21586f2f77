import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { ITEM_LOCK_CLASS } from "@/server/billing/stages/lines";
import { badRequest, DomainError, type FieldIssue } from "@/server/errors";
import { parseRatedItemBatch } from "./rated-items-fast-parse";
import type { IngestRatedItemsInput } from "./schemas";

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

/** `updated` only with onConflict=update: items whose content was replaced (not counted as duplicates). */
export type IngestResult = { received: number; inserted: number; duplicates: number; updated?: number };

/** What to do with a sent item whose external id the tenant already has with other content. */
export type OnConflict = "reject" | "update";
export const ON_CONFLICT_VALUES: readonly OnConflict[] = ["reject", "update"];

/** The compared content of a rated item, as sent (the API's field names; references by external id / code). */
export type ItemContent = {
  accountExternalId: string;
  subscriptionExternalId: string | null;
  chargeCode: string;
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  currency: string;
  usageDate: string;
  /** null: by sign */
  kind: string | null;
};

/** One row of a 409: the sent row's index, which fields differ, the stored and the sent values, and the stored item's state. */
export type ItemConflict = {
  index: number;
  externalId: string;
  fields: (keyof ItemContent)[];
  stored: ItemContent;
  sent: ItemContent;
  /** OPEN (not claimed by a run), CLAIMED (by a run not posted yet), BILLED (on a posted invoice) or CANCELED */
  state: "OPEN" | "CLAIMED" | "BILLED" | "CANCELED";
  billingRunId: string | null;
  invoiceNumber: string | null;
};

type ConflictRow = Omit<ItemConflict, "fields" | "sent"> & { differs: Record<keyof ItemContent, boolean> };

const CONTENT_FIELDS: (keyof ItemContent)[] = [
  "accountExternalId",
  "subscriptionExternalId",
  "chargeCode",
  "description",
  "quantity",
  "unitPrice",
  "amount",
  "currency",
  "usageDate",
  "kind",
];

/**
 * The batch's ids the tenant already has, in one scan of the (tenant, external id) key: probing per input row
 * (a lateral subquery) went wrong when the first batches were planned on a never-analyzed, empty table — the
 * probe then filtered every item of the tenant by the (tenant, account, date) index, 10,000 times, while
 * concurrent batches filled it (minutes a batch). The tenant is compared with a sub-select on purpose: with
 * the literal, the planner estimated a tenant that the statistics do not know yet (every new tenant on a grown
 * database) at one row, and filtered all its items by that other index for every batch (22 s a batch after
 * 200,000 items, on 13M items of other tenants); a parameter it cannot look up is estimated as an average tenant.
 * `externalIds`: a text[] literal, as `ratedItemColumns` builds them.
 */
export function storedItemsOfBatch(tenantId: string, externalIds: string): SQL {
  return sql`SELECT x.external_id AS e, x.id, x.status, x.account_id, x.subscription_id, x.charge_id, x.description, x.quantity, x.unit_price,
      x.amount, x.currency, x.usage_date, x.kind
    FROM rated_items x WHERE x.tenant_id = ${asParameter(tenantId)} AND x.external_id = ANY(${externalIds}::text[])`;
}

/**
 * The tenant as a value the planner cannot look up in the statistics (see `storedItemsOfBatch`): the batch's lookups of
 * accounts, subscriptions and charges by their (tenant, external id) keys are planned for an average tenant too, not
 * for a one-row tenant whose every account is filtered by another tenant-first index, once per account of the batch.
 */
const asParameter = (tenantId: string) => sql`(SELECT ${tenantId}::text)`;

/**
 * Stores a batch of rated items in one set-based statement. The whole batch is validated first; references
 * are resolved within the tenant in the same statement, and any unknown one stores nothing. Items whose
 * external id the tenant already has with the same content are skipped (counted as duplicates), so sending a batch
 * again (even concurrently) stores each item once. An item whose external id exists with other content is a conflict:
 * nothing of the batch is stored and the answer (409) lists each such row with the stored and the sent values — unless
 * `onConflict` is "update", which replaces the content of items still OPEN and not claimed by any run (a claimed, billed
 * or canceled item still refuses the whole batch, with its state).
 */
export async function ingestRatedItems(
  db: Queryable,
  tenantId: string,
  rawInput: IngestRatedItemsInput,
  options: { onConflict?: OnConflict } = {},
): Promise<IngestResult> {
  const { items } = parseRatedItemBatch(rawInput);
  const update = options.onConflict === "update";
  const c = ratedItemColumns(items);
  // Fast path: leave out the external ids the tenant already has and insert plainly (ON CONFLICT's speculative
  // insertion costs ~40 % more per row). A concurrent batch with the same ids makes the plain insert fail on the
  // unique key after the other commits; the statement is then run again with ON CONFLICT DO NOTHING, in a new
  // transaction (the failed one leaves nothing behind).
  const run = (onConflict: boolean, target: Queryable) =>
    queryRows<IngestRow>(
      target,
      // One array parameter per column (not one per value: 10,000 rows × 10 columns would exceed the protocol's
      // 65,535 parameters), unnested into rows; cheaper for Postgres than parsing the batch as jsonb.
      sql`WITH input AS (
            SELECT r.i - 1 AS i, r.e, r.a, r.s, r.c, r.d, r.q, r.p, r.m, r.cur, r.u, r.k
            FROM unnest(${c.externalId}::text[], ${c.accountExternalId}::text[], ${c.subscriptionExternalId}::text[], ${c.chargeCode}::text[],
              ${c.description}::text[], ${c.quantity}::numeric[], ${c.unitPrice}::numeric[], ${c.amount}::numeric[], ${c.currency}::text[],
              ${c.usageDate}::date[], ${c.kind}::line_kind[])
              WITH ORDINALITY AS r(e, a, s, c, d, q, p, m, cur, u, k, i)
          ),
          -- References are looked up once per distinct value, each by its unique index: a join would hash every
          -- account and subscription of the tenant for each batch.
          acc AS MATERIALIZED (
            SELECT x.a, (SELECT id FROM customer_accounts WHERE tenant_id = ${asParameter(tenantId)} AND external_id = x.a) AS account_id
            FROM (SELECT DISTINCT a FROM input) x
          ), sub AS MATERIALIZED (
            SELECT x.s, found.id AS subscription_id, found.account_id AS subscription_account_id
            FROM (SELECT DISTINCT s FROM input WHERE s IS NOT NULL) x
            LEFT JOIN LATERAL (SELECT id, account_id FROM subscriptions WHERE tenant_id = ${asParameter(tenantId)} AND external_id = x.s) found ON TRUE
          ), ch AS MATERIALIZED (
            SELECT x.c, (SELECT id FROM charges WHERE tenant_id = ${asParameter(tenantId)} AND code = x.c) AS charge_id
            FROM (SELECT DISTINCT c FROM input) x
          ), old AS MATERIALIZED (
            ${storedItemsOfBatch(tenantId, c.externalId)}
          ), resolved AS (
            SELECT r.*, acc.account_id, sub.subscription_id, sub.subscription_account_id, ch.charge_id,
              old.id AS old_id, old.status AS old_status, old.account_id AS old_account_id,
              -- which stored fields differ from the sent ones (numbers compared as numbers: "0.3" = "0.300000")
              old.id IS NOT NULL AND (old.account_id IS DISTINCT FROM acc.account_id OR old.subscription_id IS DISTINCT FROM sub.subscription_id
                OR old.charge_id IS DISTINCT FROM ch.charge_id OR old.description <> r.d OR old.quantity <> r.q OR old.unit_price <> r.p
                OR old.amount <> r.m OR old.currency <> r.cur OR old.usage_date <> r.u OR old.kind IS DISTINCT FROM r.k) AS differs
            FROM input r JOIN acc ON acc.a = r.a JOIN ch ON ch.c = r.c LEFT JOIN sub ON sub.s = r.s LEFT JOIN old ON old.e = r.e
          ), changed AS MATERIALIZED (
            SELECT c.*, cl.billing_run_id, inv.number AS invoice_number,
              CASE WHEN c.old_status = 'CANCELED' THEN 'CANCELED' WHEN inv.status = 'POSTED' THEN 'BILLED'
                WHEN cl.billing_run_id IS NOT NULL THEN 'CLAIMED' ELSE 'OPEN' END AS state
            FROM resolved c
            LEFT JOIN rated_item_claims cl ON cl.rated_item_id = c.old_id
            LEFT JOIN invoices inv ON inv.origin_run_id = cl.billing_run_id AND inv.account_id = c.old_account_id AND inv.tenant_id = ${tenantId}
            WHERE c.differs
          ), conflicts AS (
            SELECT * FROM changed ${update ? sql`WHERE state <> 'OPEN'` : sql``}
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
              currency, usage_date, external_id, kind)
            SELECT ${tenantId}, account_id, subscription_id, charge_id, d, q, p, m, cur, u, e, k
            FROM resolved
            WHERE NOT EXISTS (SELECT 1 FROM bad) AND NOT EXISTS (SELECT 1 FROM conflicts) AND old_id IS NULL
            -- one insertion order for every batch, so concurrent overlapping batches wait instead of deadlocking
            ORDER BY e
            ${onConflict ? sql`ON CONFLICT (tenant_id, external_id) DO NOTHING` : sql``}
            RETURNING 1
          ), upd AS (
            -- onConflict=update: open items take the sent content (re-checked here: still open, still unclaimed)
            UPDATE rated_items t SET account_id = c.account_id, subscription_id = c.subscription_id, charge_id = c.charge_id,
              description = c.d, quantity = c.q, unit_price = c.p, amount = c.m, currency = c.cur, usage_date = c.u, kind = c.k
            FROM changed c
            WHERE ${update ? sql`true` : sql`false`} AND t.id = c.old_id AND t.tenant_id = ${tenantId} AND t.status = 'OPEN'
              AND NOT EXISTS (SELECT 1 FROM bad) AND NOT EXISTS (SELECT 1 FROM conflicts)
              AND (SELECT true FROM rated_item_claims cl WHERE cl.rated_item_id = t.id LIMIT 1) IS NULL
            RETURNING 1
          )
          SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM upd)::int AS updated,
            (SELECT count(*) FROM bad)::int AS "badCount",
            (SELECT coalesce(json_agg(b ORDER BY b.i), '[]'::json) FROM (SELECT * FROM bad ORDER BY i LIMIT 100) b) AS bad,
            (SELECT count(*) FROM conflicts)::int AS "conflictCount",
            (SELECT coalesce(json_agg(json_build_object('index', c.i, 'externalId', c.e, 'state', c.state, 'billingRunId', c.billing_run_id,
                'invoiceNumber', c.invoice_number,
                'stored', json_build_object('accountExternalId', a.external_id, 'subscriptionExternalId', s.external_id, 'chargeCode', ch.code,
                  'description', x.description, 'quantity', x.quantity::text, 'unitPrice', x.unit_price::text, 'amount', x.amount::text,
                  'currency', x.currency, 'usageDate', x.usage_date::text, 'kind', x.kind),
                'differs', json_build_object('accountExternalId', x.account_id IS DISTINCT FROM c.account_id,
                  'subscriptionExternalId', x.subscription_id IS DISTINCT FROM c.subscription_id, 'chargeCode', x.charge_id IS DISTINCT FROM c.charge_id,
                  'description', x.description <> c.d, 'quantity', x.quantity <> c.q, 'unitPrice', x.unit_price <> c.p, 'amount', x.amount <> c.m,
                  'currency', x.currency <> c.cur, 'usageDate', x.usage_date <> c.u,
                  'kind', x.kind IS DISTINCT FROM c.k)) ORDER BY c.i), '[]'::json)
              FROM (SELECT * FROM conflicts ORDER BY i LIMIT 100) c
              JOIN rated_items x ON x.id = c.old_id
              JOIN customer_accounts a ON a.id = x.account_id
              LEFT JOIN subscriptions s ON s.id = x.subscription_id
              JOIN charges ch ON ch.id = x.charge_id) AS conflicts`,
    );
  // Each attempt is a transaction with JIT off: on a grown database the statement's row estimates pass
  // jit_above_cost, and LLVM compiled it for ~1.5 s of a 1.9 s batch (auto_explain, 13M items) — far longer than it
  // runs; a setting needs a transaction. Corrections (`lockItems`) also wait for the chunk transactions claiming this
  // tenant's items (they hold the lock shared) and keep new ones out until committed: an item is never changed between
  // a run reading it and claiming it.
  const attempt = (onConflict: boolean, lockItems: boolean) =>
    db.transaction(async (tx) => {
      await tx.execute(
        lockItems
          ? sql`SELECT pg_advisory_xact_lock(${ITEM_LOCK_CLASS}, hashtext(${tenantId})), set_config('jit', 'off', true)`
          : sql`SELECT set_config('jit', 'off', true)`,
      );
      return run(onConflict, tx);
    });
  if (update) {
    const [result] = await attempt(true, true);
    return finish(result, items.length, items, update);
  }
  const [result] = await attempt(false, false).catch((error: unknown) => {
    const cause = (error as { cause?: { code?: string; constraint?: string } }).cause;
    if (cause?.code === "23505" && cause.constraint === "rated_items_tenant_external_uq") return attempt(true, false);
    throw error;
  });
  return finish(result, items.length, items, update);
}

type IngestRow = { inserted: number; updated: number; badCount: number; bad: Unresolved[]; conflictCount: number; conflicts: ConflictRow[] };

function finish(result: IngestRow, received: number, items: ItemContentOf[], update: boolean): IngestResult {
  if (result.badCount > 0) {
    const issues = result.bad.flatMap((row) => unresolvedIssues(row));
    const [first] = issues;
    throw badRequest(
      `${result.badCount} of ${received} items reference records this tenant does not have; nothing was stored. First: ${first.field}: ${first.message}`,
      issues,
    );
  }
  if (result.conflictCount > 0) throw conflictError(items, result.conflictCount, result.conflicts, update);
  const answer: IngestResult = { received, inserted: result.inserted, duplicates: received - result.inserted - result.updated };
  return update ? { ...answer, updated: result.updated } : answer;
}

const STATE_REASON: Record<ItemConflict["state"], string> = {
  OPEN: "",
  CLAIMED: "it is claimed by a billing run; cancel the run's invoice (reopening its items) to correct it",
  BILLED: "it is billed on a posted invoice; correct it with a credit note and a new item",
  CANCELED: "it was canceled; send the correction as a new item",
};

function conflictError(items: ItemContentOf[], count: number, rows: ConflictRow[], update: boolean): DomainError {
  const conflicts: ItemConflict[] = rows.map((row) => {
    const item = items[row.index];
    const sent: ItemContent = {
      accountExternalId: item.accountExternalId,
      subscriptionExternalId: item.subscriptionExternalId ?? null,
      chargeCode: item.chargeCode,
      description: item.description,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
      amount: item.amount,
      currency: item.currency,
      usageDate: item.usageDate,
      kind: item.kind ?? null,
    };
    return {
      index: row.index,
      externalId: row.externalId,
      fields: CONTENT_FIELDS.filter((f) => row.differs[f]),
      stored: row.stored,
      sent,
      state: row.state,
      billingRunId: row.billingRunId,
      invoiceNumber: row.invoiceNumber,
    };
  });
  const issues: FieldIssue[] = conflicts.flatMap((c) =>
    c.fields.map((field) => ({
      field: `items.${c.index}.${field}`,
      message:
        `item "${c.externalId}" is stored with ${field} ${JSON.stringify(c.stored[field])}, sent ${JSON.stringify(c.sent[field])}` +
        (update ? `; not updated: ${STATE_REASON[c.state]}` : ""),
    })),
  );
  const [first] = issues;
  const detail = update
    ? `${count} of ${items.length} items change items that are no longer open (claimed, billed or canceled); nothing was stored. First: ${first.field}: ${first.message}`
    : `${count} of ${items.length} items have an externalId this tenant already has with other content; nothing was stored. ` +
      `Send the same content again (idempotent), or ?onConflict=update to replace items not yet claimed by a billing run. First: ${first.field}: ${first.message}`;
  return new DomainError("CONFLICT", detail, issues, { conflicts });
}

type ItemContentOf = { accountExternalId: string; subscriptionExternalId?: string; chargeCode: string; description: string; quantity: string; unitPrice: string; amount: string; currency: string; usageDate: string; kind?: string };

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

const NEEDS_ESCAPE = /["\\]/;
const quoted = (v: string | undefined) => (v == null ? "NULL" : NEEDS_ESCAPE.test(v) ? `"${v.replace(/[\\"]/g, (ch) => `\\${ch}`)}"` : `"${v}"`);
const literal = (values: string[]) => `{${values.join(",")}}`;

/**
 * The batch as one Postgres array literal per column (one text parameter each; 10,000 rows × 11 columns as separate
 * parameters would exceed the protocol's 65,535), built in one pass over validated items: text quoted (escaped where
 * needed), the validated formats (decimal strings, YYYY-MM-DD, ISO codes, enum values: never a quote, comma, brace,
 * space or "NULL") as they are; NULL for an absent optional value.
 */
export function ratedItemColumns(items: (ItemContentOf & { externalId: string })[]) {
  const n = items.length;
  const [e, a, s, c, d, q, p, m, cur, u, k] = Array.from({ length: 11 }, () => new Array<string>(n));
  for (let i = 0; i < n; i++) {
    const item = items[i];
    e[i] = quoted(item.externalId);
    a[i] = quoted(item.accountExternalId);
    s[i] = quoted(item.subscriptionExternalId);
    c[i] = quoted(item.chargeCode);
    d[i] = quoted(item.description);
    q[i] = item.quantity;
    p[i] = item.unitPrice;
    m[i] = item.amount;
    cur[i] = item.currency;
    u[i] = item.usageDate;
    k[i] = item.kind ?? "NULL";
  }
  return {
    externalId: literal(e),
    accountExternalId: literal(a),
    subscriptionExternalId: literal(s),
    chargeCode: literal(c),
    description: literal(d),
    quantity: literal(q),
    unitPrice: literal(p),
    amount: literal(m),
    currency: literal(cur),
    usageDate: literal(u),
    kind: literal(k),
  };
}
