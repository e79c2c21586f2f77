import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Queryable, type Tx } from "@/db/client";
import type { RunRow } from "../runs-core";
import type { LineCountersDelta } from "../run-counters";
import { taxDeterminationSql, taxSellerFromRow, taxSellerSql, vatIdStateSql, type TaxSellerRow } from "@/server/tax/builtin-engine";
import type { TaxSeller } from "@/server/tax/tax-engine";
import { notOnHold } from "../holds";
import { chunkAccounts, inRange, type Chunk, type ChunkResult } from "./chunks";
import { textArray, uuidArray } from "./sql-arrays";

// LINES: claim open items before the cut-off and aggregate them into invoice lines, one statement per chunk.

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
/** Advisory lock class of a tenant's rated items (with hashtext(tenant id)): shared by claiming, exclusive for corrections. */
export const ITEM_LOCK_CLASS = 20_001;

export async function linesChunk(tx: Tx, run: RunRow, chunk: Chunk): Promise<ChunkResult> {
  // No row lock on items: chunks of a run have disjoint accounts, and two runs racing for an item meet at the claim's
  // primary key (the loser's chunk rolls back and is retried). The advisory lock below only keeps item corrections out.
  // Only a run that bills every open item of an account up to the cut-off may raise its mark; runs filtered by
  // subscription or charge type leave items of the account open below it.
  const raisesMarks = !run.filter?.subscriptionIds?.length && !run.filter?.chargeTypes?.length;

  // One round trip before the scan. Rated items of the tenant may be corrected (ingest with onConflict=update) only
  // between chunk transactions: the correction takes the advisory lock exclusively, so it never changes an item this
  // statement has read but not yet claimed. The chunk's accounts' marks are locked, in account order, before the scan
  // (a statement of its own, so the scan's snapshot is taken after the lock): an item insert for these accounts either
  // committed before (the scan sees it) or waits and then lowers the mark this chunk raised (migration 0014).
  // Sorted grouping: hash-aggregating a chunk's items kept ~1 kB of numeric sum states per line (160 MB a chunk) and
  // was ~15 % slower than sorting the narrow rows.
  // The same round trip reads what shapes the scan's statement (lineSetupSql): the tenant's line-grouping charges and
  // the seller's side of the VAT determination.
  const [setup] = await queryRows<LineSetupRow>(
    tx,
    sql`SELECT pg_advisory_xact_lock_shared(${ITEM_LOCK_CLASS}, hashtext(${run.tenantId})),
      set_config('enable_hashagg', 'off', true), set_config('enable_mergejoin', 'off', true),
      (SELECT count(*) FROM (
        SELECT 1 FROM account_item_marks m WHERE m.tenant_id = ${run.tenantId} AND ${inRange(sql`m.account_id`, chunk)}
        ORDER BY m.account_id FOR UPDATE) locked),
      setup.*
    FROM (${lineSetupSql(run.tenantId)}) setup`,
  );
  const { itemCtes, taxCtes, subscription, description, unitPrice } = lineSql(run, chunk, lineSetupFromRow(setup, run.tenantId));
  const [row] = await queryRows<{
    failures: number;
    lines: number;
    items: number;
    accounts: number;
    new_accounts: number;
    totals: LineCountersDelta["totals"];
  }>(
    tx,
    sql`
    WITH ${itemCtes},
    failed AS (
      INSERT INTO run_failures (tenant_id, billing_run_id, account_id, subscription_id, step, reason)
      SELECT ${run.tenantId}, ${run.id}::uuid, account_id, subscription_id, 'LINES', reason FROM bad
      ON CONFLICT (billing_run_id, account_id, step) DO NOTHING
      RETURNING 1
    ),
    excluded AS MATERIALIZED (
      SELECT account_id FROM bad_acc
      UNION SELECT f.account_id FROM run_failures f WHERE f.billing_run_id = ${run.id}::uuid AND f.step = 'LINES'
    ),
    ${taxCtes},
    -- Each line with its buyer's VAT profile, so that the lines join the VAT answers on the whole key at once. Joined
    -- separately, the planner (misled by the CTEs' estimates) matched every line with every profile's answer for its
    -- charge first: 1.06 million rows hashed for 152,000 lines, 1.8 s of a 7.5 s chunk.
    g AS MATERIALIZED (
      SELECT nextval('invoice_lines_id_seq'::regclass) AS line_id, grp.*, tb.country_key, tb.customer_type, tb.vat_state
      FROM grp JOIN tax_buyer tb ON tb.account_id = grp.account_id
      WHERE NOT EXISTS (SELECT 1 FROM excluded x WHERE x.account_id = grp.account_id)
      ORDER BY grp.account_id -- line ids (nextval runs after the sort) and the (run, account) index in the same order
    ),
    lines AS (
      INSERT INTO invoice_lines
        (id, tenant_id, billing_run_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount,
         currency, vat_category, vat_rate, vat_exemption_code, vat_exemption_reason, tax_error,
         kind, item_description, period_start, period_end, items_count) OVERRIDING SYSTEM VALUE
      SELECT g.line_id, ${run.tenantId}, ${run.id}::uuid, g.account_id, ${subscription}, g.charge_id,
        ${description}, g.quantity, ${unitPrice}, g.amount, g.currency, t.vat_category, t.vat_rate,
        t.vat_exemption_code, t.vat_exemption_reason, t.tax_error, g.kind, g.item_description, g.period_start, g.period_end, g.items_count
      FROM g JOIN charges ch ON ch.id = g.charge_id
      JOIN tax t ON t.charge_id = g.charge_id AND t.country_key = g.country_key AND t.customer_type = g.customer_type
        AND t.buyer_vat_state = g.vat_state
      ORDER BY g.line_id -- index entries in key order touch far fewer pages than in hash order
      RETURNING account_id, currency, vat_category, vat_rate, amount
    ),
    claims AS (
      INSERT INTO rated_item_claims (rated_item_id, tenant_id, billing_run_id)
      SELECT e.id, ${run.tenantId}, ${run.id}::uuid
      FROM elig e WHERE NOT EXISTS (SELECT 1 FROM excluded x WHERE x.account_id = e.account_id)
      ORDER BY e.id
      RETURNING 1
    ),
    -- Every open item of these accounts before the cut-off is now claimed: their marks move up to the cut-off. Only
    -- accounts that had items to bill (an account all of whose items some condition kept out keeps its mark). Every
    -- run, filtered or not, records the highest item id it claimed per account (migration 0027); a filtered run leaves
    -- unclaimed items below it, from open_from on (migration 0028). One UPDATE, as two updates of the same row in one
    -- statement would keep only one.
    raised AS (
      UPDATE account_item_marks m
      SET ${
        raisesMarks
          ? sql`open_from = GREATEST(m.open_from, ${run.cutoffDate}::date), probe_from = ${run.cutoffDate}::date`
          : sql`probe_from = LEAST(m.probe_from, m.open_from)`
      },
        claimed_through = GREATEST(m.claimed_through, c.last_id)
      FROM (SELECT account_id, max(last_id) AS last_id FROM g GROUP BY account_id) c
      WHERE m.tenant_id = ${run.tenantId} AND ${inRange(sql`m.account_id`, chunk)} AND m.account_id = c.account_id
      RETURNING 1
    ),
    -- The run's counters grow by the lines this chunk inserted. VAT is rounded per account and rate over all the account's lines
    -- of the run, so lines this run already had for these accounts (a retried step that found new items) count too:
    -- the difference is the rounding of the sum minus the rounding already counted.
    earlier AS MATERIALIZED (
      SELECT l.account_id, l.currency, l.vat_category, l.vat_rate, sum(l.amount) AS amount
      FROM invoice_lines l WHERE l.billing_run_id = ${run.id}::uuid AND ${inRange(sql`l.account_id`, chunk)}
      GROUP BY l.account_id, l.currency, l.vat_category, l.vat_rate
    ),
    added AS (
      SELECT account_id, currency, vat_category, vat_rate, sum(amount) AS amount
      FROM lines
      GROUP BY account_id, currency, vat_category, vat_rate
    ),
    added_totals AS (
      SELECT a.currency, sum(a.amount) AS net,
        sum(round((a.amount + coalesce(e.amount, 0)) * a.vat_rate / 100, currency_exponent(a.currency))
          - coalesce(round(e.amount * a.vat_rate / 100, currency_exponent(a.currency)), 0)) AS tax
      FROM added a LEFT JOIN earlier e
        ON e.account_id = a.account_id AND e.currency = a.currency AND e.vat_category = a.vat_category AND e.vat_rate = a.vat_rate
      GROUP BY a.currency
    )
    SELECT (SELECT count(*) FROM failed)::int AS failures, (SELECT count(*) FROM lines)::int AS lines,
           (SELECT count(*) FROM claims)::int AS items, (SELECT count(*) FROM raised)::int AS raised, (SELECT count(DISTINCT account_id) FROM g)::int AS accounts,
           (SELECT count(DISTINCT account_id) FROM g WHERE account_id NOT IN (SELECT account_id FROM earlier))::int AS new_accounts,
           (SELECT coalesce(jsonb_object_agg(currency, jsonb_build_object('net', net::text, 'tax', tax::text)), '{}'::jsonb)
            FROM added_totals) AS totals`,
  );
  return {
    done: chunk.size,
    failures: row.failures,
    lineCounters: { lines: row.lines, items: row.items, accounts: row.new_accounts, totals: row.totals },
    log: `chunk ${chunk.no + 1}: ${row.items} items → ${row.lines} lines for ${row.accounts} accounts${row.failures ? `, ${row.failures} accounts failed` : ""}`,
  };
}

/** The run settings a chunk's lines depend on (a NEW run, or the would-be run of a simulation). */
export type LineRun = Pick<
  RunRow,
  "tenantId" | "type" | "billingCycleId" | "filter" | "cutoffDate" | "invoiceDate" | "dateAggregation" | "groupBySubscription" | "splitByUnitPrice"
>;

type LineSetupRow = { per_item: boolean; per_price: boolean } & TaxSellerRow;

/** What shapes a run's lines statement: charges asking for a line per item or per price, and the seller's side of the VAT. */
export type LineSetup = { grouping: { perItem: boolean; perPrice: boolean }; seller: TaxSeller };

/** One row: the tenant's line-grouping flags and its seller profile for the VAT determination. */
function lineSetupSql(tenantId: string): SQL {
  return sql`SELECT lg.per_item, lg.per_price, seller.country, seller.oss_registered, seller.vat_registrations
    FROM (SELECT coalesce(bool_or(line_grouping = 'PER_ITEM'), false) AS per_item, coalesce(bool_or(line_grouping = 'PER_PRICE'), false) AS per_price
          FROM charges WHERE tenant_id = ${tenantId}) lg
    LEFT JOIN (${taxSellerSql(tenantId)}) seller ON TRUE`;
}

function lineSetupFromRow(row: LineSetupRow | undefined, tenantId: string): LineSetup {
  return { grouping: { perItem: row?.per_item ?? false, perPrice: row?.per_price ?? false }, seller: taxSellerFromRow(row, tenantId) };
}

/** The line setup read on its own (the simulation, which takes no lock). */
export async function loadLineSetup(db: Queryable, tenantId: string): Promise<LineSetup> {
  const [row] = await queryRows<LineSetupRow>(db, lineSetupSql(tenantId));
  return lineSetupFromRow(row, tenantId);
}

/**
 * The SQL of a chunk's would-be lines, shared by LINES and the simulation (../simulation.ts) so both bill exactly the
 * same: `itemCtes` (item_detail, elig, grp: the lines' keys and sums; bad_acc, bad: accounts whose items are in another
 * currency) and `taxCtes` (tax_buyer, tax: the VAT of each buyer profile and charge); `subscription`, `description` and
 * `unitPrice` are line columns over `g` (grp's rows) and `ch` (the charge).
 */
export function lineSql(run: LineRun, chunk: Chunk, { grouping, seller }: LineSetup) {
  const where: SQL[] = [
    sql`r.status = 'OPEN'`,
    // Not a NOT EXISTS: with nested loops disabled that becomes a hash anti-join over every claim ever made. The LIMIT
    // keeps it a per-item probe of the claims' primary key, whatever the size of the table; and only for items that
    // can be claimed: none above the highest id ever claimed for the account (m.claimed_through, migration 0027; the
    // CASE makes sure the comparison comes first).
    sql`CASE WHEN r.id > coalesce(m.claimed_through, 0) THEN TRUE
      ELSE (SELECT true FROM rated_item_claims c WHERE c.rated_item_id = r.id LIMIT 1) IS NULL END`,
  ];
  if (run.type === "CYCLE") where.push(sql`a.billing_cycle_id = ${run.billingCycleId}::uuid`);
  const f = run.filter ?? {};
  if (f.accountIds?.length) where.push(sql`a.id = ANY(${uuidArray(f.accountIds)})`);
  if (f.subscriptionIds?.length) where.push(sql`r.subscription_id = ANY(${uuidArray(f.subscriptionIds)})`);
  if (f.chargeTypes?.length) where.push(sql`ch.type::text = ANY(${textArray(f.chargeTypes)})`);
  where.push(notOnHold(sql`a.id`)); // accounts on hold are skipped: their items stay OPEN (holds.ts)

  // Each account's items from its mark (account_item_marks, see migrations 0014 and 0028) up to the cut-off, in
  // ranges of the (tenant, account, usage date, id) index, never the months already billed: from probe_from every item;
  // before it, from open_from (late usage), only those above claimed_through, which the index tells without fetching
  // the billed ones. An empty range costs no index descent. OFFSET 0 keeps the subquery a per-account index probe (a
  // hash join would read every item of the chunk's accounts).
  const cutoff = sql`${run.cutoffDate}::date`;
  const eligibleItems = sql`FROM customer_accounts a
      JOIN account_item_marks m ON m.account_id = a.id AND m.tenant_id = ${run.tenantId} AND ${inRange(sql`m.account_id`, chunk)}
      CROSS JOIN LATERAL (
        SELECT * FROM rated_items ri
        WHERE ri.tenant_id = ${run.tenantId} AND ri.account_id = a.id AND ri.usage_date >= GREATEST(m.open_from, m.probe_from)
          AND ri.usage_date < ${cutoff}
        UNION ALL
        SELECT * FROM rated_items ri
        WHERE ri.tenant_id = ${run.tenantId} AND ri.account_id = a.id AND ri.usage_date >= m.open_from
          AND ri.usage_date < LEAST(m.probe_from, ${cutoff}) AND ri.id > coalesce(m.claimed_through, 0)
        OFFSET 0) r
      JOIN charges ch ON ch.id = r.charge_id
      WHERE ${chunkAccounts(run, chunk)} AND ${sql.join(where, sql` AND `)}`;
  // The line's grouping keys; the optional ones are carried and sorted on only when the run's settings use them.
  const dateKey = run.dateAggregation === "DAY" ? sql`r.usage_date` : sql`date_trunc('month', r.usage_date)::date`;
  const keys: { name: string; expr: SQL }[] = [
    { name: "account_id", expr: sql`r.account_id` },
    ...(run.groupBySubscription ? [{ name: "sub_key", expr: sql`coalesce(r.subscription_id, ${ZERO_UUID}::uuid)` }] : []),
    { name: "charge_id", expr: sql`r.charge_id` },
    // credits, discounts and refunds are never netted into a charge's line; a charge may ask for a line per item or price
    { name: "kind", expr: sql`coalesce(r.kind, (CASE WHEN r.amount < 0 THEN 'CREDIT' ELSE 'CHARGE' END)::line_kind)` },
    ...(grouping.perItem ? [{ name: "item_key", expr: sql`CASE WHEN ch.line_grouping = 'PER_ITEM' THEN r.id END` }] : []),
    ...(run.splitByUnitPrice || grouping.perPrice
      ? [{ name: "price_key", expr: run.splitByUnitPrice ? sql`r.unit_price` : sql`CASE WHEN ch.line_grouping = 'PER_PRICE' THEN r.unit_price END` }]
      : []),
    ...(run.dateAggregation !== "NONE" ? [{ name: "date_key", expr: dateKey }] : []),
    { name: "currency", expr: sql`r.currency` },
  ];
  const keyColumns = sql.raw(keys.map((k) => k.name).join(", "));
  const keyValues = sql.join(keys.map((k) => sql`${k.expr} AS ${sql.raw(k.name)}`), sql`, `);
  const subscription = run.groupBySubscription ? sql`NULLIF(g.sub_key, ${ZERO_UUID}::uuid)` : sql`NULL::uuid`;
  const chargeDescription =
    run.dateAggregation === "DAY"
      ? sql`ch.label || ' (' || to_char(g.date_key, 'YYYY-MM-DD') || ')'`
      : run.dateAggregation === "MONTH"
        ? sql`ch.label || ' (' || to_char(g.date_key, 'YYYY-MM') || ')'`
        : sql`ch.label`;
  // a credit says what it is (its items' own description, e.g. "Credit: service level SEATS"); a per-item line shows its item's
  const description = sql`CASE
      WHEN g.kind <> 'CHARGE' THEN coalesce(g.item_description, initcap(g.kind::text) || ': ' || ch.label)
      ${grouping.perItem ? sql`WHEN g.item_key IS NOT NULL THEN ch.label || coalesce(': ' || g.item_description, '')` : sql``}
      ELSE ${chargeDescription} END`;
  // one price per line or none: never an average of different prices
  const unitPrice =
    run.splitByUnitPrice || grouping.perPrice
      ? sql`coalesce(g.price_key, CASE WHEN g.min_price = g.max_price THEN g.min_price END)`
      : sql`CASE WHEN g.min_price = g.max_price THEN g.min_price END`;
  // VAT per line from the seller, the buyer and the charge's tax class (server/tax); a line whose VAT cannot be
  // determined carries the reason (tax_error) and its invoice is REJECTED by the drafts stage.
  // The rules run once per distinct (buyer profile, charge) — a few hundred rows — and the lines join their answer: per
  // line they cost ~13 µs (150,000 lines: +2 s), per profile nothing. The VAT id is checked once per account.
  const taxDetermined = taxDeterminationSql(
    seller,
    run.tenantId,
    run.invoiceDate,
    sql`SELECT p.country_key, p.country AS buyer_country, p.customer_type, p.vat_state AS buyer_vat_state, ch.id AS charge_id,
          ch.tax_class, ch.vat_rate AS charge_rate, ch.vat_exemption_code AS exemption_code, ch.vat_exemption_reason AS exemption_reason
        FROM (SELECT DISTINCT country_key, country, customer_type, vat_state FROM tax_buyer) p
        CROSS JOIN charges ch WHERE ch.tenant_id = ${run.tenantId}`,
  );
  const itemCtes = sql`
    -- The eligible items, narrow, once: aggregated into lines and claimed from the same copy. The failure details
    -- (item_detail, inlined) are read only for accounts that have a bad item.
    item_detail AS NOT MATERIALIZED (
      SELECT r.id, r.account_id, r.subscription_id, r.currency, a.currency AS acc_currency
      ${eligibleItems}
    ),
    elig AS MATERIALIZED (
      SELECT r.id, ${keyValues}, r.quantity, r.unit_price, r.amount, r.usage_date, r.currency <> a.currency AS bad,
        CASE WHEN ${grouping.perItem ? sql`ch.line_grouping = 'PER_ITEM' OR ` : sql``}r.amount < 0 OR r.kind IS NOT NULL THEN r.description END AS item_desc
      ${eligibleItems}
    ),
    grp AS MATERIALIZED (
      SELECT ${keyColumns},
        sum(quantity) AS quantity, round(sum(amount), currency_exponent(currency)) AS amount,
        min(unit_price) AS min_price, max(unit_price) AS max_price,
        min(usage_date) AS period_start, max(usage_date) AS period_end, count(*)::int AS items_count, bool_or(bad) AS bad, max(id) AS last_id,
        CASE WHEN count(item_desc) = count(*) AND min(item_desc) = max(item_desc) THEN min(item_desc) END AS item_description
      FROM elig
      GROUP BY ${keyColumns}
    ),
    bad_acc AS MATERIALIZED (
      SELECT DISTINCT account_id FROM grp WHERE bad
    ),
    bad AS (
      SELECT e.account_id,
        (array_agg(e.subscription_id) FILTER (WHERE e.currency <> e.acc_currency))[1] AS subscription_id,
        CASE
          WHEN min(e.currency) <> max(e.currency)
            THEN 'Mixed currencies in the rated items (' || string_agg(DISTINCT e.currency, ', ') || '); the account is billed in ' || min(e.acc_currency)
          ELSE 'Rated items are in ' || min(e.currency) || ' but the account is billed in ' || min(e.acc_currency)
        END AS reason
      FROM item_detail e JOIN bad_acc b ON b.account_id = e.account_id
      -- a one-time gate: without a bad account the items are not scanned again (the planner, misled by the CTEs'
      -- estimates, merge-joins a sorted second scan of every item with the empty bad_acc: 2.5 s of a 9.7 s chunk)
      WHERE EXISTS (SELECT 1 FROM bad_acc)
      GROUP BY e.account_id
    )
  `;
  const taxCtes = sql`
    tax_buyer AS MATERIALIZED (
      SELECT a.id AS account_id, coalesce(a.country::text, '') AS country_key, a.country, a.customer_type,
        ${vatIdStateSql(sql`a.vat_id`, sql`a.country`)} AS vat_state
      FROM customer_accounts a WHERE ${chunkAccounts(run, chunk)}
    ),
    tax AS MATERIALIZED (${taxDetermined})
  `;
  return { itemCtes, taxCtes, subscription, description, unitPrice };
}
