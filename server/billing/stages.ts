import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Queryable, type Tx } from "@/db/client";
import { loadRules, ensureDefaultRules, type RuleRow } from "./rules";
import { allocateNumbers, type RunRow } from "./runs-core";
import type { StepKind } from "./state-machine";
import { engineOptions } from "./engine-options";
import type { LineCountersDelta } from "./run-counters";

// Stage work: set-based SQL over chunks of accounts. Every chunk is idempotent (re-running it after a crash
// finds nothing left to do for the accounts it already handled) and runs in one transaction.

/** Accounts (by id) in (after, upTo]; null bounds are open. */
export type Chunk = { no: number; after: string | null; upTo: string | null; size: number };

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

export const uuidArray = (ids: string[]) =>
  ids.length ? sql`ARRAY[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[]` : sql`ARRAY[]::uuid[]`;

const textArray = (values: string[]) =>
  values.length ? sql`ARRAY[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]` : sql`ARRAY[]::text[]`;

export function inRange(column: SQL, chunk: Pick<Chunk, "after" | "upTo">): SQL {
  const parts: SQL[] = [];
  if (chunk.after) parts.push(sql`${column} > ${chunk.after}::uuid`);
  if (chunk.upTo) parts.push(sql`${column} <= ${chunk.upTo}::uuid`);
  return parts.length ? sql.join(parts, sql` AND `) : sql`TRUE`;
}

/**
 * The chunk's accounts of the run's tenant, as a condition on `customer_accounts a` (joined on the id alone, a chunk
 * would read every tenant's accounts).
 */
const chunkAccounts = (run: RunRow, chunk: Chunk) => sql`a.tenant_id = ${run.tenantId} AND ${inRange(sql`a.id`, chunk)}`;

/** The accounts a step works on, as a query returning one `id` column. */
function stepAccounts(run: RunRow, step: StepKind): SQL {
  switch (step) {
    case "LINES": {
      const where: SQL[] = [sql`a.tenant_id = ${run.tenantId}`];
      if (run.type === "CYCLE") where.push(sql`a.billing_cycle_id = ${run.billingCycleId}::uuid`);
      const f = run.filter ?? {};
      if (f.accountIds?.length) where.push(sql`a.id = ANY(${uuidArray(f.accountIds)})`);
      if (f.subscriptionIds?.length) {
        where.push(sql`a.id IN (SELECT s.account_id FROM subscriptions s WHERE s.tenant_id = ${run.tenantId} AND s.id = ANY(${uuidArray(f.subscriptionIds)}))`);
      }
      return sql`SELECT a.id FROM customer_accounts a WHERE ${sql.join(where, sql` AND `)}`;
    }
    case "INVOICES":
      return sql`SELECT DISTINCT l.account_id AS id FROM invoice_lines l WHERE l.billing_run_id = ${run.id}::uuid`;
    case "POSTING":
      return sql`SELECT i.account_id AS id FROM invoices i
                 WHERE i.tenant_id = ${run.tenantId} AND i.billing_run_id = ${run.id}::uuid AND i.status IN ('DRAFT', 'SUSPECT')`;
    case "CANCEL":
      return sql`SELECT i.account_id AS id FROM invoices i
                   WHERE i.tenant_id = ${run.tenantId} AND i.billing_run_id = ${run.id}::uuid AND i.status IN ('DRAFT', 'SUSPECT', 'REJECTED')
                 UNION SELECT l.account_id FROM invoice_lines l WHERE l.billing_run_id = ${run.id}::uuid`;
  }
}

/** Splits the step's accounts into chunks of `size`. */
export async function planChunks(db: Queryable, run: RunRow, step: StepKind, size: number): Promise<{ chunks: Chunk[]; total: number }> {
  return planIdChunks(db, stepAccounts(run, step), size);
}

/**
 * Splits the ids a query returns (one `id` column, uuids) into chunks of `size` in id order; computed in SQL, only
 * the boundaries reach JS. Used for runs' account chunks and document jobs' invoice chunks.
 */
export async function planIdChunks(db: Queryable, ids: SQL, size: number): Promise<{ chunks: Chunk[]; total: number }> {
  const rows = await queryRows<{ id: string; rn: string; total: string }>(
    db,
    sql`SELECT id::text, rn, total FROM (
          SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS total FROM (${ids}) s
        ) x WHERE rn % ${size} = 0 OR rn = total ORDER BY rn`,
  );
  const chunks: Chunk[] = [];
  let after: string | null = null;
  let prev = 0;
  rows.forEach((row, i) => {
    const last = i === rows.length - 1;
    chunks.push({ no: i, after, upTo: last ? null : row.id, size: Number(row.rn) - prev });
    after = row.id;
    prev = Number(row.rn);
  });
  return { chunks, total: rows.length ? Number(rows[0].total) : 0 };
}

export type ChunkResult = { done: number; log?: string; failures?: number; lineCounters?: LineCountersDelta };

export async function runStepChunk(tx: Tx, run: RunRow, step: StepKind, chunk: Chunk, params: Record<string, unknown>): Promise<ChunkResult> {
  // Chunk statements join CTEs of thousands of rows whose sizes the planner cannot estimate (it guesses 1 row and
  // picks nested loops: 5 000 × 10 000 comparisons per chunk). Bulk work wants hash joins; index lookups are unaffected.
  await tx.execute(sql`SET LOCAL enable_nestloop = off`);
  await tx.execute(sql`SELECT set_config('work_mem', ${engineOptions.workMem}, true)`);
  // JIT compiles every big chunk statement anew (disabled nested loops inflate the cost estimates past the
  // inlining/optimization thresholds): measured 3.4–4 s of compile time per INVOICES chunk for a few seconds of work.
  await tx.execute(sql`SET LOCAL jit = off`);
  switch (step) {
    case "LINES":
      return linesChunk(tx, run, chunk);
    case "INVOICES":
      return invoicesChunk(tx, run, chunk);
    case "POSTING":
      return postingChunk(tx, run, chunk);
    case "CANCEL":
      return cancelChunk(tx, run, chunk, params.items === "CANCEL" ? "CANCEL" : "REOPEN");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// LINES: claim open items before the cut-off and aggregate them into invoice lines, one statement per chunk.

export async function linesChunk(tx: Tx, run: RunRow, chunk: Chunk): Promise<ChunkResult> {
  // No lock: chunks of a run have disjoint accounts, and two runs racing for an item meet at the claim's primary
  // key (the loser's chunk rolls back and is retried by runChunk).
  const where: SQL[] = [
    sql`r.tenant_id = ${run.tenantId}`,
    sql`r.status = 'OPEN'`,
    sql`r.usage_date < ${run.cutoffDate}::date`,
    inRange(sql`r.account_id`, chunk),
    // Not a NOT EXISTS: with nested loops disabled that becomes a hash anti-join over every claim ever made. The LIMIT
    // keeps it a per-item probe of the claims' primary key, whatever the size of the table.
    sql`(SELECT true FROM rated_item_claims c WHERE c.rated_item_id = r.id LIMIT 1) IS NULL`,
  ];
  if (run.type === "CYCLE") where.push(sql`a.billing_cycle_id = ${run.billingCycleId}::uuid`);
  const f = run.filter ?? {};
  if (f.accountIds?.length) where.push(sql`r.account_id = ANY(${uuidArray(f.accountIds)})`);
  if (f.subscriptionIds?.length) where.push(sql`r.subscription_id = ANY(${uuidArray(f.subscriptionIds)})`);
  if (f.chargeTypes?.length) where.push(sql`ch.type::text = ANY(${textArray(f.chargeTypes)})`);

  const eligibleItems = sql`FROM rated_items r
      JOIN customer_accounts a ON a.id = r.account_id AND ${chunkAccounts(run, chunk)}
      JOIN charges ch ON ch.id = r.charge_id
      WHERE ${sql.join(where, sql` AND `)}`;
  // The line's grouping keys; the optional ones are carried and sorted on only when the run's settings use them.
  const dateKey = run.dateAggregation === "DAY" ? sql`r.usage_date` : sql`date_trunc('month', r.usage_date)::date`;
  const keys: { name: string; expr: SQL }[] = [
    { name: "account_id", expr: sql`r.account_id` },
    ...(run.groupBySubscription ? [{ name: "sub_key", expr: sql`coalesce(r.subscription_id, ${ZERO_UUID}::uuid)` }] : []),
    { name: "charge_id", expr: sql`r.charge_id` },
    ...(run.splitByUnitPrice ? [{ name: "price_key", expr: sql`r.unit_price` }] : []),
    ...(run.dateAggregation !== "NONE" ? [{ name: "date_key", expr: dateKey }] : []),
    { name: "currency", expr: sql`r.currency` },
  ];
  const keyColumns = sql.raw(keys.map((k) => k.name).join(", "));
  const keyValues = sql.join(keys.map((k) => sql`${k.expr} AS ${sql.raw(k.name)}`), sql`, `);
  const subscription = run.groupBySubscription ? sql`NULLIF(g.sub_key, ${ZERO_UUID}::uuid)` : sql`NULL::uuid`;
  const description =
    run.dateAggregation === "DAY"
      ? sql`ch.label || ' (' || to_char(g.date_key, 'YYYY-MM-DD') || ')'`
      : run.dateAggregation === "MONTH"
        ? sql`ch.label || ' (' || to_char(g.date_key, 'YYYY-MM') || ')'`
        : sql`ch.label`;
  const unitPrice = run.splitByUnitPrice ? sql`g.price_key` : sql`CASE WHEN g.min_price = g.max_price THEN g.min_price END`;
  const vatBad = sql`((ch.vat_category = 'S' AND ch.vat_rate <= 0)
      OR (ch.vat_category IN ('Z', 'E', 'AE', 'K', 'G', 'O') AND ch.vat_rate <> 0)
      OR (ch.vat_category IN ('E', 'AE', 'K', 'G') AND ch.vat_exemption_reason IS NULL))`;

  // Sorted grouping: hash-aggregating a chunk's items kept ~1 kB of numeric sum states per line (160 MB a chunk) and
  // was ~15 % slower than sorting the narrow rows.
  await tx.execute(sql`SET LOCAL enable_hashagg = off`);
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
    -- The eligible items, narrow, once: aggregated into lines and claimed from the same copy. The failure details
    -- (item_detail, inlined) are read only for accounts that have a bad item.
    WITH item_detail AS NOT MATERIALIZED (
      SELECT r.id, r.account_id, r.subscription_id, r.currency, a.currency AS acc_currency, ${vatBad} AS vat_bad, ch.code AS charge_code
      ${eligibleItems}
    ),
    elig AS MATERIALIZED (
      SELECT r.id, ${keyValues}, r.quantity, r.unit_price, r.amount, r.usage_date, (r.currency <> a.currency OR ${vatBad}) AS bad
      ${eligibleItems}
    ),
    grp AS MATERIALIZED (
      SELECT ${keyColumns},
        sum(quantity) AS quantity, round(sum(amount), currency_exponent(currency)) AS amount,
        min(unit_price) AS min_price, max(unit_price) AS max_price,
        min(usage_date) AS period_start, max(usage_date) AS period_end, count(*)::int AS items_count, bool_or(bad) AS bad
      FROM elig
      GROUP BY ${keyColumns}
    ),
    bad_acc AS MATERIALIZED (
      SELECT DISTINCT account_id FROM grp WHERE bad
    ),
    bad AS (
      SELECT e.account_id,
        (array_agg(e.subscription_id) FILTER (WHERE e.currency <> e.acc_currency OR e.vat_bad))[1] AS subscription_id,
        CASE
          WHEN min(e.currency) <> max(e.currency)
            THEN 'Mixed currencies in the rated items (' || string_agg(DISTINCT e.currency, ', ') || '); the account is billed in ' || min(e.acc_currency)
          WHEN bool_or(e.currency <> e.acc_currency)
            THEN 'Rated items are in ' || min(e.currency) || ' but the account is billed in ' || min(e.acc_currency)
          ELSE 'Charge ' || string_agg(DISTINCT e.charge_code, ', ') FILTER (WHERE e.vat_bad) || ' has no valid VAT setting (category, rate or exemption reason)'
        END AS reason
      FROM item_detail e JOIN bad_acc b ON b.account_id = e.account_id
      GROUP BY e.account_id
    ),
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
    g AS MATERIALIZED (
      SELECT nextval('invoice_lines_id_seq'::regclass) AS line_id, grp.*
      FROM grp WHERE NOT EXISTS (SELECT 1 FROM excluded x WHERE x.account_id = grp.account_id)
      ORDER BY account_id -- line ids (nextval runs after the sort) and the (run, account) index in the same order
    ),
    lines AS (
      INSERT INTO invoice_lines
        (id, tenant_id, billing_run_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount,
         currency, vat_category, vat_rate, period_start, period_end, items_count) OVERRIDING SYSTEM VALUE
      SELECT g.line_id, ${run.tenantId}, ${run.id}::uuid, g.account_id, ${subscription}, g.charge_id,
        ${description}, g.quantity, ${unitPrice}, g.amount, g.currency, ch.vat_category, ch.vat_rate,
        g.period_start, g.period_end, g.items_count
      FROM g JOIN charges ch ON ch.id = g.charge_id
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
           (SELECT count(*) FROM claims)::int AS items, (SELECT count(DISTINCT account_id) FROM g)::int AS accounts,
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

// ---------------------------------------------------------------------------------------------------------------
// INVOICES: one draft invoice (or credit note) per account with its VAT breakdown, validated by the tenant's rules.

/**
 * The tenant's rules as two expressions over the invoice being created (t: net, tax), the account's previous posted
 * invoice (prev) and the buyer's missing fields: the status (REJECTED if a blocking rule matches, else SUSPECT if any
 * does) and the matched rules' reasons, warnings first, each in the tenant's order.
 */
function verdictSql(rules: RuleRow[], missing: SQL): { status: SQL; reason: SQL; usesPrevious: boolean } {
  if (!rules.length) return { status: sql`NULL::text`, reason: sql`NULL::text`, usesPrevious: false };
  const matches = (r: RuleRow): SQL => {
    switch (r.kind) {
      case "AMOUNT_ABOVE":
        return sql`abs(t.net + t.tax) > ${r.threshold}::numeric`;
      case "ZERO_AMOUNT":
        return sql`t.net = 0`;
      case "CHANGE_PERCENT":
        return sql`(prev.net_total IS NOT NULL AND prev.net_total <> 0
          AND abs(t.net - prev.net_total) / abs(prev.net_total) * 100 > ${r.threshold}::numeric)`;
      case "MISSING_BUYER_DATA":
        return sql`${missing} <> ''`;
    }
  };
  const text = (r: RuleRow): SQL => {
    switch (r.kind) {
      case "CHANGE_PERCENT":
        return sql`${r.reason}::text || ' (' || to_char(round((t.net - prev.net_total) / abs(prev.net_total) * 100, 1), 'FMS999999990.0') || ' %)'`;
      case "MISSING_BUYER_DATA":
        return sql`${r.reason}::text || ': ' || ${missing}`;
      default:
        return sql`${r.reason}::text`;
    }
  };
  const any = (list: RuleRow[]) => sql.join(list.map((r) => sql`(${matches(r)})`), sql` OR `);
  const blocking = rules.filter((r) => r.severity === "REJECTED");
  const status = sql`CASE ${blocking.length ? sql`WHEN ${any(blocking)} THEN 'REJECTED'` : sql``} WHEN ${any(rules)} THEN 'SUSPECT' END`;
  const ordered = [...rules.filter((r) => r.severity === "SUSPECT"), ...blocking];
  const reason = sql`NULLIF(concat_ws('; ', ${sql.join(ordered.map((r) => sql`CASE WHEN ${matches(r)} THEN ${text(r)} END`), sql`, `)}), '')`;
  return { status, reason, usesPrevious: rules.some((r) => r.kind === "CHANGE_PERCENT") };
}

const noPreviousInvoice = () => sql`LEFT JOIN (SELECT NULL::numeric AS net_total) prev ON TRUE`;

/**
 * The change-% rule's reference: each of the chunk's accounts' latest posted invoice, as a join for the drafts
 * statement (`prev`). One backward probe of the posted-invoices index per account (a LATERAL LIMIT 1 is a nested
 * loop even where they are disabled); joining the accounts with the tenant's posted invoices read all of them, every
 * month's (0.4 s a chunk after one month of 100,000 invoices, growing). The probes run in a statement of their own,
 * before the chunk inserts any invoice: in the drafts statement a probe planned as a sequential scan (over a table
 * the statistics call empty or small) would read every invoice that statement had inserted so far, once per account.
 */
async function previousPostedInvoices(tx: Tx, run: RunRow, chunk: Chunk): Promise<SQL> {
  const [{ found }] = await queryRows<{ found: boolean }>(
    tx,
    sql`SELECT EXISTS (SELECT 1 FROM invoices p WHERE p.tenant_id = ${run.tenantId} AND p.status = 'POSTED'
          AND ${inRange(sql`p.account_id`, chunk)}) AS found`,
  );
  if (!found) return noPreviousInvoice();
  await tx.execute(sql`CREATE TEMP TABLE previous_invoice (account_id uuid NOT NULL, currency char(3) NOT NULL, net_total numeric NOT NULL)
    ON COMMIT DROP`);
  // A draft's currency is its account's (LINES fails accounts billed in another currency than their items').
  await tx.execute(sql`
    INSERT INTO previous_invoice (account_id, currency, net_total)
    SELECT a.id, a.currency, p.net_total
    FROM customer_accounts a
    CROSS JOIN LATERAL (
      SELECT p.net_total FROM invoices p
      WHERE p.tenant_id = ${run.tenantId} AND p.status = 'POSTED' AND p.account_id = a.id AND p.currency = a.currency
      ORDER BY p.posted_at DESC LIMIT 1) p
    WHERE ${chunkAccounts(run, chunk)}`);
  return sql`LEFT JOIN previous_invoice prev ON prev.account_id = t.account_id AND prev.currency = t.currency`;
}

export async function invoicesChunk(tx: Tx, run: RunRow, chunk: Chunk): Promise<ChunkResult> {
  const range = inRange(sql`l.account_id`, chunk);
  // lines of accounts that have no invoice of this run yet (anti-join against the run's invoices in the chunk)
  const pending = sql`l.billing_run_id = ${run.id}::uuid AND ${range}
    AND l.account_id NOT IN (SELECT i.account_id FROM invoices i WHERE i.origin_run_id = ${run.id}::uuid AND ${inRange(sql`i.account_id`, chunk)})`;
  let skipped = 0;
  let lineCounters: LineCountersDelta | undefined;
  if (run.skipZeroAmount) {
    // Zero-amount invoices are not created: release their lines so the items stay OPEN.
    const zero = await queryRows<{ account_id: string }>(
      tx,
      sql`WITH bd AS (
            SELECT l.account_id, l.vat_rate, sum(l.amount) AS taxable,
              round(sum(l.amount) * l.vat_rate / 100, currency_exponent(min(l.currency))) AS tax
            FROM invoice_lines l WHERE ${pending} GROUP BY l.account_id, l.vat_category, l.vat_rate)
          SELECT account_id FROM bd GROUP BY account_id HAVING sum(taxable) = 0 AND sum(tax) = 0`,
    );
    if (zero.length) {
      const ids = uuidArray(zero.map((z) => z.account_id));
      await releaseItems(tx, run.tenantId, sql`SELECT ${run.id}::uuid AS run_id, unnest(${ids}) AS account_id`, "REOPEN");
      // Their lines' totals are zero (net and VAT): only the counts go down.
      const [removed] = await queryRows<{ lines: number; items: number }>(
        tx,
        sql`WITH gone AS (DELETE FROM invoice_lines WHERE billing_run_id = ${run.id}::uuid AND account_id = ANY(${ids}) RETURNING items_count)
            SELECT count(*)::int AS lines, coalesce(sum(items_count), 0)::int AS items FROM gone`,
      );
      lineCounters = { lines: -removed.lines, items: -removed.items, accounts: -zero.length };
      skipped = zero.length;
    }
  }
  await ensureDefaultRules(tx, run.tenantId);
  const missingBuyer = sql`concat_ws(', ',
      CASE WHEN coalesce(btrim(a.name), '') = '' THEN 'name' END,
      CASE WHEN coalesce(btrim(a.address_line), '') = '' THEN 'address' END,
      CASE WHEN coalesce(btrim(a.city), '') = '' THEN 'city' END,
      CASE WHEN coalesce(btrim(a.postal_code), '') = '' THEN 'postal code' END,
      CASE WHEN a.country IS NULL THEN 'country' END,
      CASE WHEN a.electronic_address IS NOT NULL AND a.electronic_address_scheme IS NULL THEN 'electronic address scheme' END)`;
  const verdict = verdictSql(await loadRules(tx, run.tenantId), missingBuyer);
  const previous = verdict.usesPrevious ? await previousPostedInvoices(tx, run, chunk) : noPreviousInvoice();

  const [row] = await queryRows<{ invoices: number; credit_notes: number; suspect: number; rejected: number }>(
    tx,
    sql`
    WITH bd AS MATERIALIZED (
      SELECT l.account_id, l.vat_category, l.vat_rate, min(l.currency) AS currency, sum(l.amount) AS taxable,
        round(sum(l.amount) * l.vat_rate / 100, currency_exponent(min(l.currency))) AS tax, count(*) AS n,
        max(ch.vat_exemption_reason) AS exemption_reason
      FROM invoice_lines l JOIN charges ch ON ch.id = l.charge_id
      WHERE ${pending}
      GROUP BY l.account_id, l.vat_category, l.vat_rate
    ),
    t AS (
      SELECT bd.account_id, min(bd.currency) AS currency, sum(bd.taxable) AS net, sum(bd.tax) AS tax, sum(bd.n)::int AS lines
      FROM bd
      GROUP BY bd.account_id
    ),
    ins AS (
      INSERT INTO invoices (tenant_id, billing_run_id, origin_run_id, account_id, type, status, reason, currency,
        invoice_date, due_date, net_total, tax_total, gross_total, lines_count, buyer)
      SELECT ${run.tenantId}, ${run.id}::uuid, ${run.id}::uuid, t.account_id,
        (CASE WHEN t.net < 0 THEN 'CREDIT_NOTE' ELSE 'INVOICE' END)::invoice_type,
        coalesce(${verdict.status}, 'DRAFT')::invoice_status, ${verdict.reason}, t.currency,
        ${run.invoiceDate}::date, ${run.invoiceDate}::date
          + coalesce((SELECT rc.due_date_delay_days FROM billing_cycles rc WHERE rc.id = ${run.billingCycleId}::uuid), ac.due_date_delay_days, 30),
        t.net, t.tax, t.net + t.tax, t.lines,
        jsonb_strip_nulls(jsonb_build_object('name', a.name, 'email', a.email, 'addressLine', a.address_line, 'city', a.city,
          'postalCode', a.postal_code, 'country', a.country, 'vatId', a.vat_id,
          'electronicAddressScheme', a.electronic_address_scheme, 'electronicAddress', a.electronic_address))
      FROM t
      JOIN customer_accounts a ON a.id = t.account_id AND ${chunkAccounts(run, chunk)}
      LEFT JOIN billing_cycles ac ON ac.id = a.billing_cycle_id
      ${previous}
      ORDER BY t.account_id
      ON CONFLICT (origin_run_id, account_id) DO NOTHING
      RETURNING id, account_id, type, status, reason
    ),
    subtotals AS (
      INSERT INTO invoice_tax_subtotals (invoice_id, tenant_id, vat_category, vat_rate, taxable_amount, tax_amount, exemption_reason)
      SELECT ins.id, ${run.tenantId}, bd.vat_category, bd.vat_rate, bd.taxable, bd.tax, bd.exemption_reason
      FROM ins JOIN bd ON bd.account_id = ins.account_id
      RETURNING 1
    ),
    history AS (
      INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, reason, actor)
      SELECT ${run.tenantId}, id, NULL, status, reason, 'system' FROM ins
      RETURNING 1
    )
    SELECT count(*) FILTER (WHERE type = 'INVOICE')::int AS invoices, count(*) FILTER (WHERE type = 'CREDIT_NOTE')::int AS credit_notes,
      count(*) FILTER (WHERE status = 'SUSPECT')::int AS suspect, count(*) FILTER (WHERE status = 'REJECTED')::int AS rejected,
      (SELECT count(*) FROM subtotals) + (SELECT count(*) FROM history) AS _writes
    FROM ins`,
  );
  const parts = [`chunk ${chunk.no + 1}: ${row.invoices} invoices, ${row.credit_notes} credit notes`];
  if (row.suspect) parts.push(`${row.suspect} suspect`);
  if (row.rejected) parts.push(`${row.rejected} rejected`);
  if (skipped) parts.push(`${skipped} zero-amount skipped (items reopened)`);
  return { done: chunk.size, log: parts.join(", "), lineCounters };
}

// ---------------------------------------------------------------------------------------------------------------
// POSTING: gapless numbers from the tenant's sequences, in the same transaction that posts the invoices.

type NumberFormat = { before: string; after: string; width: number; yearly: boolean };

export function parseNumberFormat(format: string): NumberFormat {
  const match = /\{SEQ(?::(\d{1,2}))?\}/.exec(format);
  const yearly = format.includes("{YYYY}");
  if (!match) return { before: format, after: "", width: 6, yearly };
  return {
    before: format.slice(0, match.index),
    after: format.slice(match.index + match[0].length),
    width: match[1] ? Number(match[1]) : 1,
    yearly,
  };
}

/** Formats a number in JS (same result as the SQL used at posting; used by tests and previews). */
export function formatDocumentNumber(format: string, seq: number, year: string): string {
  const f = parseNumberFormat(format);
  const s = String(seq);
  return f.before.replaceAll("{YYYY}", year) + (s.length >= f.width ? s : s.padStart(f.width, "0")) + f.after.replaceAll("{YYYY}", year);
}

function numberSql(format: NumberFormat, seq: SQL, year: SQL): SQL {
  return sql`replace(${f(format.before)}, '{YYYY}', ${year})
    || CASE WHEN length((${seq})::text) >= ${format.width}::int THEN (${seq})::text ELSE lpad((${seq})::text, ${format.width}::int, '0') END
    || replace(${f(format.after)}, '{YYYY}', ${year})`;
  function f(s: string) {
    return sql`${s}::text`;
  }
}

export async function postingChunk(tx: Tx, run: RunRow, chunk: Chunk): Promise<ChunkResult> {
  const [profile] = await queryRows<{ invoice_format: string; credit_format: string }>(
    tx,
    sql`SELECT invoice_number_format AS invoice_format, credit_note_number_format AS credit_format
        FROM tenant_profiles WHERE tenant_id = ${run.tenantId}`,
  );
  const formats = {
    INVOICE: parseNumberFormat(profile?.invoice_format ?? "INV-{YYYY}-{SEQ:6}"),
    CREDIT_NOTE: parseNumberFormat(profile?.credit_format ?? "CN-{YYYY}-{SEQ:6}"),
  };
  // Lock exactly the invoices this chunk posts (a duplicate worker waits and then finds them posted), record their
  // posting in the history and put them in numbering order (by customer name): work that needs no number, done before
  // the tenant's number sequence is locked, so that another chunk can post meanwhile. The order is kept in a table
  // of this transaction, listed in the invoices' physical order (by account), which the numbering UPDATE follows.
  await tx.execute(sql`CREATE TEMP TABLE posting_order (id uuid NOT NULL, type invoice_type NOT NULL, year text NOT NULL, ord bigint NOT NULL)
    ON COMMIT DROP`);
  const groups = await queryRows<{ type: "INVOICE" | "CREDIT_NOTE"; year: string; n: number }>(
    tx,
    sql`WITH locked AS (
          SELECT i.id, i.type, i.status, to_char(i.invoice_date, 'YYYY') AS year, a.name, i.account_id
          FROM invoices i JOIN customer_accounts a ON a.id = i.account_id AND ${chunkAccounts(run, chunk)}
          WHERE i.tenant_id = ${run.tenantId} AND i.billing_run_id = ${run.id}::uuid AND i.status IN ('DRAFT', 'SUSPECT')
            AND ${inRange(sql`i.account_id`, chunk)}
          FOR UPDATE OF i),
        ordered AS (
          INSERT INTO posting_order (id, type, year, ord)
          SELECT id, type, year, row_number() OVER (PARTITION BY type, year ORDER BY name, account_id) FROM locked
          ORDER BY account_id),
        history AS (
          INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, actor)
          SELECT ${run.tenantId}, id, status, 'POSTED', 'system' FROM locked RETURNING 1)
        SELECT type, year, count(*)::int AS n FROM locked GROUP BY type, year ORDER BY type, year`,
  );
  let posted = 0;
  for (const g of groups) {
    const format = formats[g.type];
    const period = format.yearly ? g.year : "";
    const first = await allocateNumbers(tx, run.tenantId, g.type, period, g.n);
    // The chunk's invoices are reached through the (run, account) index, not by id over the whole table.
    const [res] = await queryRows<{ n: number }>(
      tx,
      sql`WITH upd AS (
            UPDATE invoices i SET status = 'POSTED', number = ${numberSql(format, sql`${first}::bigint - 1 + o.ord`, sql`${g.year}::text`)},
              posted_at = now(), updated_at = now()
            FROM posting_order o
            WHERE o.type = ${g.type}::invoice_type AND o.year = ${g.year} AND i.id = o.id
              AND i.billing_run_id = ${run.id}::uuid AND ${inRange(sql`i.account_id`, chunk)}
            RETURNING 1)
          SELECT count(*)::int AS n FROM upd`,
    );
    // Gapless: every allocated number must have been used, else roll the whole chunk back.
    if (res.n !== g.n) throw new Error(`posting allocated ${g.n} ${g.type} numbers but posted ${res.n}; rolled back`);
    posted += res.n;
  }
  return { done: chunk.size, log: `chunk ${chunk.no + 1}: ${posted} invoices posted` };
}

// ---------------------------------------------------------------------------------------------------------------
// CANCEL: cancel the invoices that are not posted and reopen (or cancel) their rated items.

export type ItemsMode = "REOPEN" | "CANCEL";

/**
 * Releases the rated items of (origin run, account) pairs: REOPEN deletes their claims (items become billable
 * again), CANCEL marks the items CANCELED (never invoiced). Claims of posted invoices are protected by a trigger.
 * The pair's items are found through rated_items' (tenant, account) index and checked against the claims' primary key.
 */
export async function releaseItems(tx: Tx, tenantId: string, pairs: SQL, items: ItemsMode): Promise<number> {
  const statement =
    items === "REOPEN"
      ? sql`WITH p AS (${pairs}), done AS (
              DELETE FROM rated_item_claims c USING rated_items r, p
              WHERE r.tenant_id = ${tenantId} AND r.account_id = p.account_id AND c.rated_item_id = r.id
                AND c.billing_run_id = p.run_id AND c.tenant_id = ${tenantId}
              RETURNING 1)
            SELECT count(*)::int AS n FROM done`
      : sql`WITH p AS (${pairs}), done AS (
              UPDATE rated_items r SET status = 'CANCELED'
              FROM rated_item_claims c, p
              WHERE r.tenant_id = ${tenantId} AND r.account_id = p.account_id AND c.rated_item_id = r.id
                AND c.billing_run_id = p.run_id AND c.tenant_id = ${tenantId}
              RETURNING 1)
            SELECT count(*)::int AS n FROM done`;
  const [row] = await withNestedLoops(tx, () => queryRows<{ n: number }>(tx, statement));
  return row.n;
}

/**
 * Runs lookup-shaped statements (a few keys, then index probes) with nested loops allowed: chunk transactions
 * disable them for their bulk statements, and a hash join here would read every claim ever made.
 */
async function withNestedLoops<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  const [{ previous }] = await queryRows<{ previous: string }>(tx, sql`SELECT current_setting('enable_nestloop') AS previous`);
  await tx.execute(sql`SELECT set_config('enable_nestloop', 'on', true)`);
  const result = await work();
  await tx.execute(sql`SELECT set_config('enable_nestloop', ${previous}, true)`);
  return result;
}

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
