import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Tx } from "@/db/client";
import { einvoiceMissingReason, einvoiceReadiness } from "../einvoice-readiness";
import { loadRules, ensureDefaultRules, type RuleRow } from "../rules";
import type { RunRow } from "../runs-core";
import type { LineCountersDelta } from "../run-counters";
import { chunkAccounts, inRange, type Chunk, type ChunkResult } from "./chunks";
import { releaseItems } from "./release-items";
import { uuidArray } from "./sql-arrays";

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
        AND p.corrects_invoice_id IS NULL -- a correction credit note is not the account's previous invoice
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
    ins AS (
      INSERT INTO invoices (tenant_id, billing_run_id, origin_run_id, account_id, type, status, reason, currency,
        invoice_date, due_date, net_total, tax_total, gross_total, lines_count, buyer)
      SELECT ${run.tenantId}, ${run.id}::uuid, ${run.id}::uuid, t.account_id,
        (CASE WHEN t.net < 0 THEN 'CREDIT_NOTE' ELSE 'INVOICE' END)::invoice_type,
        -- VAT that could not be determined (server/tax) or missing e-invoice data rejects the invoice, whatever the rules say
        (CASE WHEN t.tax_error IS NOT NULL OR ${einvoice.missing} <> '' THEN 'REJECTED' ELSE coalesce(${verdict.status}, 'DRAFT') END)::invoice_status,
        NULLIF(concat_ws('; ', t.tax_error, ${verdict.reason}, CASE WHEN ${einvoice.missing} <> '' THEN ${einvoiceMissingReason(einvoice.missing)} END), ''),
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
      ${previous}
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
