import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Queryable, type Tx } from "@/db/client";
import { einvoiceMissingReason, einvoiceReadiness } from "../einvoice-readiness";
import type { RuleKind } from "@/lib/billing-values";
import { loadRules, ensureDefaultRules, type RuleRow } from "../rules";
import type { RunRow } from "../runs-core";
import type { LineCountersDelta } from "../run-counters";
import { chunkAccounts, inRange, type Chunk, type ChunkResult } from "./chunks";
import { releaseItems } from "./release-items";
import { textArray, uuidArray } from "./sql-arrays";

// INVOICES: one draft invoice (or credit note) per account with its VAT breakdown, validated by the tenant's rules.

/** The columns of a finding, as each rule's SELECT (over `acc`, the chunk's new invoices) produces them. */
export const FINDING_COLUMNS = sql`account_id, kind, severity, charge_id, value, previous_value, change_percent, threshold, currency,
  previous_invoice_id, message, ord`;

/**
 * The tenant's rules as one SELECT per rule over `acc` (the invoice being created: net, tax, gross, currency; the
 * account's previous posted invoice: prev_id, prev_net, prev_run; the buyer's missing fields), each row a finding with
 * what it measured, the threshold and the previous value it compared with. `ord` orders a draft's reasons: warnings
 * first, each in the tenant's order. A check of another module adds one more SELECT of the same columns here.
 */
export function findingSelects(rules: RuleRow[], o: { withPrevious: boolean; tenantHasPosted: boolean }): SQL[] {
  const specificCurrencies = rules.filter((r) => r.kind === "AMOUNT_ABOVE" && r.currency).map((r) => r.currency!);
  return rules.flatMap((r, i): SQL[] => {
    const ord = (r.severity === "REJECTED" ? 1000 : 0) + i;
    const head = (kind: RuleKind) => sql`acc.account_id, ${kind}::text AS kind, ${r.severity}::text AS severity`;
    const thr = sql`${r.threshold}::numeric`;
    switch (r.kind) {
      case "AMOUNT_ABOVE": {
        const currency = r.currency
          ? sql`acc.currency = ${r.currency}`
          : specificCurrencies.length
            ? sql`acc.currency <> ALL(${textArray(specificCurrencies)})`
            : sql`TRUE`;
        return [sql`SELECT ${head(r.kind)}, NULL::uuid, acc.gross, NULL::numeric, NULL::numeric, ${thr}, acc.currency, NULL::uuid,
          ${r.reason}::text, ${ord} FROM acc WHERE abs(acc.gross) > ${thr} AND ${currency}`];
      }
      case "ZERO_AMOUNT":
        return [sql`SELECT ${head(r.kind)}, NULL::uuid, acc.net, NULL::numeric, NULL::numeric, NULL::numeric, acc.currency, NULL::uuid,
          ${r.reason}::text, ${ord} FROM acc WHERE acc.net = 0`];
      case "CREDIT_NOTE":
        return [sql`SELECT ${head(r.kind)}, NULL::uuid, acc.net, NULL::numeric, NULL::numeric, NULL::numeric, acc.currency, NULL::uuid,
          ${r.reason}::text, ${ord} FROM acc WHERE acc.net < 0`];
      case "MISSING_BUYER_DATA":
        return [sql`SELECT ${head(r.kind)}, NULL::uuid, NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric, NULL::char(3), NULL::uuid,
          ${r.reason}::text || ': ' || acc.missing, ${ord} FROM acc WHERE acc.missing <> ''`];
      case "FIRST_INVOICE":
        // every invoice is a first one until the tenant has posted: the rule starts with the second month
        if (!o.tenantHasPosted) return [];
        return [sql`SELECT ${head(r.kind)}, NULL::uuid, acc.net, 0::numeric, NULL::numeric, NULL::numeric, acc.currency, NULL::uuid,
          ${r.reason}::text, ${ord} FROM acc WHERE acc.prev_id IS NULL`];
      case "CHANGE_PERCENT": {
        const change = sql`round((acc.net - acc.prev_net) / abs(acc.prev_net) * 100, 2)`;
        return [sql`SELECT ${head(r.kind)}, NULL::uuid, acc.net, acc.prev_net, ${change}, ${thr}, acc.currency, acc.prev_id,
          ${r.reason}::text || ' (' || to_char(round(${change}, 1), 'FMS999999990.0') || ' %)', ${ord}
          FROM acc WHERE acc.prev_net IS NOT NULL AND acc.prev_net <> 0 AND abs(acc.net - acc.prev_net) / abs(acc.prev_net) * 100 > ${thr}`];
      }
      case "USAGE_CHANGE_PERCENT": {
        if (!o.withPrevious) return [];
        const change = sql`round((u.qty - pu.qty) / pu.qty * 100, 2)`;
        return [sql`SELECT ${head(r.kind)}, u.charge_id, u.qty, pu.qty, ${change}, ${thr}, NULL::char(3), acc.prev_id,
          ${r.reason}::text || ': ' || ch.code || ' ' || trim_scale(u.qty)::text || ' against ' || trim_scale(pu.qty)::text
            || ' (' || to_char(round(${change}, 1), 'FMS999999990.0') || ' %)', ${ord}
          FROM acc
          JOIN usage_now u ON u.account_id = acc.account_id
          JOIN usage_before pu ON pu.account_id = acc.account_id AND pu.charge_id = u.charge_id AND pu.qty > 0
          JOIN charges ch ON ch.id = u.charge_id
          WHERE abs(u.qty - pu.qty) / pu.qty * 100 > ${thr}`];
      }
    }
  });
}

type PreviousInvoices = { join: SQL; found: boolean; runs: string[] };

const noPreviousInvoices = (): PreviousInvoices => ({
  join: sql`LEFT JOIN (SELECT NULL::uuid AS invoice_id, NULL::uuid AS origin_run_id, NULL::numeric AS net_total) prev ON TRUE`,
  found: false,
  runs: [],
});

/**
 * The reference of the rules comparing with the past (change %, usage change %, first invoice): each of the chunk's accounts' latest posted invoice, as a join for the drafts
 * statement (`prev`). One backward probe of the posted-invoices index per account (a LATERAL LIMIT 1 is a nested
 * loop even where they are disabled); joining the accounts with the tenant's posted invoices read all of them, every
 * month's (0.4 s a chunk after one month of 100,000 invoices, growing). The probes run in a statement of their own,
 * before the chunk inserts any invoice: in the drafts statement a probe planned as a sequential scan (over a table
 * the statistics call empty or small) would read every invoice that statement had inserted so far, once per account.
 */
async function previousPostedInvoices(tx: Tx, run: RunRow, chunk: Chunk): Promise<PreviousInvoices> {
  const [{ found }] = await queryRows<{ found: boolean }>(
    tx,
    sql`SELECT EXISTS (SELECT 1 FROM invoices p WHERE p.tenant_id = ${run.tenantId} AND p.status = 'POSTED'
          AND ${inRange(sql`p.account_id`, chunk)}) AS found`,
  );
  if (!found) return noPreviousInvoices();
  await tx.execute(sql`CREATE TEMP TABLE previous_invoice (account_id uuid NOT NULL, currency char(3) NOT NULL, net_total numeric NOT NULL,
    invoice_id uuid NOT NULL, origin_run_id uuid NOT NULL) ON COMMIT DROP`);
  // A draft's currency is its account's (LINES fails accounts billed in another currency than their items').
  // Returns the runs these invoices came from (usually one: last month's), for the usage comparison's scan.
  const [{ runs }] = await queryRows<{ runs: string[] }>(
    tx,
    sql`WITH ins AS (
      INSERT INTO previous_invoice (account_id, currency, net_total, invoice_id, origin_run_id)
      SELECT a.id, a.currency, p.net_total, p.id, p.origin_run_id
      FROM customer_accounts a
      CROSS JOIN LATERAL (
        SELECT p.net_total, p.id, p.origin_run_id FROM invoices p
        WHERE p.tenant_id = ${run.tenantId} AND p.status = 'POSTED' AND p.account_id = a.id AND p.currency = a.currency
          AND p.corrects_invoice_id IS NULL -- a correction credit note is not the account's previous invoice
        ORDER BY p.posted_at DESC LIMIT 1) p
      WHERE ${chunkAccounts(run, chunk)}
      RETURNING origin_run_id)
    SELECT coalesce(array_agg(DISTINCT origin_run_id::text), '{}') AS runs FROM ins`,
  );
  return { join: sql`LEFT JOIN previous_invoice prev ON prev.account_id = t.account_id AND prev.currency = t.currency`, found, runs };
}

/**
 * The usage of each USAGE charge on the accounts' previous posted invoices (`previous_invoice p`): their lines, one probe
 * of the lines' (run, account) key per account. LATERAL keeps it a probe where nested loops are disabled; a join
 * hashed every line of every month (a sequential scan growing with history: 0.15 s of a 25k chunk after one month).
 * Given the runs those invoices came from and the chunk, it reads instead one range of that key per run — the chunk's
 * accounts' lines of those runs, in key order — and keeps the lines of each account's previous invoice: 25,000 probes
 * took 0.17 s of a chunk's 0.38 s usage comparison.
 */
export function usageOnPreviousInvoices(tenantId: string, scan?: { runs: string[]; chunk: Chunk }): SQL {
  if (scan) {
    return sql`SELECT pl.account_id, pl.charge_id, sum(pl.quantity) AS qty
      FROM invoice_lines pl
      JOIN previous_invoice p ON p.origin_run_id = pl.billing_run_id AND p.account_id = pl.account_id
      JOIN charges c ON c.id = pl.charge_id AND c.type = 'USAGE'
      WHERE pl.billing_run_id = ANY(${uuidArray(scan.runs)}) AND ${inRange(sql`pl.account_id`, scan.chunk)} AND pl.tenant_id = ${tenantId}
      GROUP BY pl.account_id, pl.charge_id`;
  }
  // OFFSET 0: a plain subquery would be pulled up into the join (and hashed again)
  return sql`SELECT p.account_id, pl.charge_id, sum(pl.quantity) AS qty
    FROM previous_invoice p
    CROSS JOIN LATERAL (
      SELECT pl.charge_id, pl.quantity FROM invoice_lines pl
      WHERE pl.billing_run_id = p.origin_run_id AND pl.account_id = p.account_id AND pl.tenant_id = ${tenantId}
      OFFSET 0) pl
    JOIN charges c ON c.id = pl.charge_id AND c.type = 'USAGE'
    GROUP BY p.account_id, pl.charge_id`;
}

export const FINDING_COLUMNS_NULL = `NULL::uuid, NULL::text, NULL::text, NULL::uuid, NULL::numeric, NULL::numeric, NULL::numeric,
  NULL::numeric, NULL::char(3), NULL::uuid, NULL::text, NULL::int`;

export async function hasPostedInvoices(tx: Queryable, tenantId: string): Promise<boolean> {
  const [{ found }] = await queryRows<{ found: boolean }>(
    tx,
    sql`SELECT EXISTS (SELECT 1 FROM invoices WHERE tenant_id = ${tenantId} AND status = 'POSTED') AS found`,
  );
  return found;
}

/** The buyer fields missing on account `a`, comma-separated (the MISSING_BUYER_DATA rule). */
export const missingBuyer = sql`concat_ws(', ',
    CASE WHEN coalesce(btrim(a.name), '') = '' THEN 'name' END,
    CASE WHEN coalesce(btrim(a.address_line), '') = '' THEN 'address' END,
    CASE WHEN coalesce(btrim(a.city), '') = '' THEN 'city' END,
    CASE WHEN coalesce(btrim(a.postal_code), '') = '' THEN 'postal code' END,
    CASE WHEN a.country IS NULL THEN 'country' END,
    CASE WHEN a.electronic_address IS NOT NULL AND a.electronic_address_scheme IS NULL THEN 'electronic address scheme' END)`;

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
  const rules = await loadRules(tx, run.tenantId);
  const usesPrevious = rules.some((r) => r.kind === "CHANGE_PERCENT" || r.kind === "USAGE_CHANGE_PERCENT" || r.kind === "FIRST_INVOICE");
  const previous = usesPrevious ? await previousPostedInvoices(tx, run, chunk) : noPreviousInvoices();
  const tenantHasPosted =
    previous.found || (rules.some((r) => r.kind === "FIRST_INVOICE") && (await hasPostedInvoices(tx, run.tenantId)));
  const selects = findingSelects(rules, { withPrevious: previous.found, tenantHasPosted });
  const findings = selects.length
    ? sql.join(selects.map((q) => sql`(${q})`), sql` UNION ALL `)
    : sql`SELECT ${sql.raw(FINDING_COLUMNS_NULL)} WHERE FALSE`;
  // the usage of each USAGE charge now and on the previous posted invoice (its lines: same origin run and account)
  const usage = previous.found
    ? sql`usage_now AS (
        SELECT l.account_id, l.charge_id, sum(l.quantity) AS qty
        FROM invoice_lines l JOIN charges c ON c.id = l.charge_id AND c.type = 'USAGE'
        WHERE ${pending} GROUP BY l.account_id, l.charge_id
      ),
      usage_before AS (${usageOnPreviousInvoices(run.tenantId, { runs: previous.runs, chunk })}),`
    : sql``;
  const einvoice = einvoiceReadiness(run);

  const [row] = await queryRows<{ invoices: number; credit_notes: number; suspect: number; rejected: number }>(
    tx,
    sql`
    WITH bd AS MATERIALIZED (
      SELECT l.account_id, l.vat_category, l.vat_rate, min(l.currency) AS currency, sum(l.amount) AS taxable,
        round(sum(l.amount) * l.vat_rate / 100, currency_exponent(min(l.currency))) AS tax, count(*) AS n,
        max(l.vat_exemption_reason) AS exemption_reason, max(l.vat_exemption_code) AS exemption_reason_code,
        string_agg(DISTINCT l.tax_error, '; ') AS tax_error
      FROM invoice_lines l
      WHERE ${pending}
      GROUP BY l.account_id, l.vat_category, l.vat_rate
    ),
    t AS (
      SELECT bd.account_id, min(bd.currency) AS currency, sum(bd.taxable) AS net, sum(bd.tax) AS tax, sum(bd.n)::int AS lines,
        string_agg(DISTINCT bd.tax_error, '; ') AS tax_error
      FROM bd
      GROUP BY bd.account_id
    ),
    acc AS (
      SELECT t.account_id, t.currency, t.net, t.net + t.tax AS gross, prev.invoice_id AS prev_id, prev.net_total AS prev_net,
        ${missingBuyer} AS missing
      FROM t JOIN customer_accounts a ON a.id = t.account_id
      ${previous.join}
    ),
    ${usage}
    f (${FINDING_COLUMNS}) AS (${findings}),
    verdict AS (
      SELECT account_id, CASE WHEN bool_or(severity = 'REJECTED') THEN 'REJECTED' ELSE 'SUSPECT' END AS status,
        string_agg(message, '; ' ORDER BY ord, charge_id) AS reason
      FROM f GROUP BY account_id
    ),
    ins AS (
      INSERT INTO invoices (tenant_id, billing_run_id, origin_run_id, account_id, type, status, reason, currency,
        invoice_date, due_date, net_total, tax_total, gross_total, lines_count, buyer)
      SELECT ${run.tenantId}, ${run.id}::uuid, ${run.id}::uuid, t.account_id,
        (CASE WHEN t.net < 0 THEN 'CREDIT_NOTE' ELSE 'INVOICE' END)::invoice_type,
        -- VAT that could not be determined (server/tax) or missing e-invoice data rejects the invoice, whatever the rules say
        (CASE WHEN t.tax_error IS NOT NULL OR ${einvoice.missing} <> '' THEN 'REJECTED' ELSE coalesce(v.status, 'DRAFT') END)::invoice_status,
        NULLIF(concat_ws('; ', t.tax_error, v.reason, CASE WHEN ${einvoice.missing} <> '' THEN ${einvoiceMissingReason(einvoice.missing)} END), ''),
        t.currency,
        ${run.invoiceDate}::date, ${run.invoiceDate}::date
          + coalesce((SELECT rc.due_date_delay_days FROM billing_cycles rc WHERE rc.id = ${run.billingCycleId}::uuid), ac.due_date_delay_days, 30),
        t.net, t.tax, t.net + t.tax, t.lines,
        jsonb_strip_nulls(jsonb_build_object('name', a.name, 'email', a.email, 'addressLine', a.address_line, 'city', a.city,
          'postalCode', a.postal_code, 'country', a.country, 'vatId', a.vat_id,
          'electronicAddressScheme', a.electronic_address_scheme, 'electronicAddress', a.electronic_address, ${einvoice.snapshot}))
      FROM t
      JOIN customer_accounts a ON a.id = t.account_id AND ${chunkAccounts(run, chunk)}
      LEFT JOIN billing_cycles ac ON ac.id = a.billing_cycle_id
      LEFT JOIN verdict v ON v.account_id = t.account_id
      ${einvoice.joins}
      ORDER BY t.account_id
      ON CONFLICT (origin_run_id, account_id) DO NOTHING
      RETURNING id, account_id, type, status, reason
    ),
    subtotals AS (
      INSERT INTO invoice_tax_subtotals (invoice_id, tenant_id, vat_category, vat_rate, taxable_amount, tax_amount, exemption_reason,
        exemption_reason_code)
      SELECT ins.id, ${run.tenantId}, bd.vat_category, bd.vat_rate, bd.taxable, bd.tax, bd.exemption_reason, bd.exemption_reason_code
      FROM ins JOIN bd ON bd.account_id = ins.account_id
      RETURNING 1
    ),
    findings AS (
      INSERT INTO invoice_findings (tenant_id, invoice_id, billing_run_id, rule_kind, severity, charge_id, value, previous_value,
        change_percent, threshold, currency, previous_invoice_id, message)
      SELECT ${run.tenantId}, ins.id, ${run.id}::uuid, f.kind::rule_kind, f.severity::rule_severity, f.charge_id, f.value,
        f.previous_value, f.change_percent, f.threshold, f.currency, f.previous_invoice_id, f.message
      FROM ins JOIN f ON f.account_id = ins.account_id
      RETURNING 1
    ),
    history AS (
      INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, reason, actor)
      SELECT ${run.tenantId}, id, NULL, status, reason, 'system' FROM ins
      RETURNING 1
    )
    SELECT count(*) FILTER (WHERE type = 'INVOICE')::int AS invoices, count(*) FILTER (WHERE type = 'CREDIT_NOTE')::int AS credit_notes,
      count(*) FILTER (WHERE status = 'SUSPECT')::int AS suspect, count(*) FILTER (WHERE status = 'REJECTED')::int AS rejected,
      (SELECT count(*) FROM subtotals) + (SELECT count(*) FROM history) + (SELECT count(*) FROM findings) AS _writes
    FROM ins`,
  );
  const parts = [`chunk ${chunk.no + 1}: ${row.invoices} invoices, ${row.credit_notes} credit notes`];
  if (row.suspect) parts.push(`${row.suspect} suspect`);
  if (row.rejected) parts.push(`${row.rejected} rejected`);
  if (skipped) parts.push(`${skipped} zero-amount skipped (items reopened)`);
  return { done: chunk.size, log: parts.join(", "), lineCounters };
}
