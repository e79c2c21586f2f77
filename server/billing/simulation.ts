import Decimal from "decimal.js";
import { sql, type SQL } from "drizzle-orm";
import { isEmbeddedDatabase, queryRows, type Db, type Queryable } from "@/db/client";
import { pooled } from "@/lib/pooled";
import { vatCategory } from "@/db/schema/enums";
import { createRunInput, type CreateRunInput } from "@/lib/billing-inputs";
import { RULE_KINDS, type RuleKind, type RuleSeverity } from "@/lib/billing-values";
import type { VatCategoryCode } from "@/server/documents/invoice-document";
import { documentText } from "@/server/documents/i18n";
import { conflict } from "@/server/errors";
import { runtime } from "@/server/runtime";
import { einvoiceMissingReason, einvoiceReadiness } from "./einvoice-readiness";
import { heldForRun } from "./holds";
import { ensureDefaultRules, loadRules } from "./rules";
import { checkRunTargets } from "./runs";
import { loadRun, type RunRow } from "./runs-core";
import { chunkAccounts, planChunks, type Chunk } from "./stages/chunks";
import { FINDING_COLUMNS, FINDING_COLUMNS_NULL, findingSelects, hasPostedInvoices, missingBuyer, usageOnPreviousInvoices } from "./stages/drafts";
import { lineSql, loadLineSetup, type LineSetup } from "./stages/lines";

// Simulate a run: what Process would produce for a NEW run (or for a cycle, cut-off and filters like the new-run form)
// — statistics, per-account totals, the change against each account's previous posted invoice and the findings —
// without claiming an item or writing a line or invoice. Per chunk of accounts one READ ONLY transaction runs the
// lines stage's own SQL (stages/lines.ts: lineSql) and the drafts stage's rules (stages/drafts.ts) as one SELECT.

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
/** Accounts the report (JSON) lists; the CSV has every account. */
export const SIMULATION_TOP_ACCOUNTS = 200;

export type SimulatedFinding = {
  kind: RuleKind;
  severity: RuleSeverity;
  message: string;
  chargeId: string | null;
  value: string | null;
  previousValue: string | null;
  changePercent: string | null;
  threshold: string | null;
  currency: string | null;
  previousInvoiceId: string | null;
};

export type SimulatedAccount = {
  accountId: string;
  accountName: string;
  accountExternalId: string;
  currency: string;
  type: "INVOICE" | "CREDIT_NOTE";
  status: "DRAFT" | "SUSPECT" | "REJECTED";
  reason: string | null;
  net: string;
  tax: string;
  gross: string;
  lines: number;
  items: number;
  previousInvoiceId: string | null;
  previousNet: string | null;
  /** net − previous net; null without a previous posted invoice */
  change: string | null;
  /** % change of the net, one decimal; null without a previous net or when it was 0 */
  changePercent: string | null;
  findings: SimulatedFinding[];
};

type ChunkAnswer = {
  accounts: SimulatedAccount[];
  vat: { currency: string; vatCategory: VatCategoryCode; vatRate: string; country: string | null; accounts: number; net: string; tax: string }[];
  byChargeType: { currency: string; chargeType: string; net: string; lines: number }[];
  failures: { accountId: string; accountName: string; reason: string }[];
  skipped: number;
};

/** A NEW run as it stands. */
export async function simulateRun(db: Db, tenantId: string, runId: string, options: { allAccounts?: boolean } = {}) {
  const run = await loadRun(db, tenantId, runId);
  if (run.status !== "NEW") throw conflict(`Only a NEW run can be simulated; this run is ${run.status}`);
  return simulate(db, run, {}, options);
}

/** A run that does not exist yet: the new-run form's input (cycle or filters, cut-off, invoice date, settings). */
export async function simulateNewRun(db: Db, tenantId: string, rawInput: CreateRunInput, options: { allAccounts?: boolean } = {}) {
  const input = createRunInput.parse(rawInput);
  const { filter } = await checkRunTargets(db, tenantId, input);
  const run: RunRow = {
    id: ZERO_UUID,
    tenantId,
    number: 0,
    type: input.type,
    billingCycleId: input.type === "CYCLE" ? input.billingCycleId! : null,
    filter,
    invoiceDate: input.invoiceDate,
    cutoffDate: input.cutoffDate,
    mode: input.mode,
    onReject: input.onReject,
    groupBySubscription: input.groupBySubscription,
    splitByUnitPrice: input.splitByUnitPrice,
    dateAggregation: input.dateAggregation,
    skipZeroAmount: input.skipZeroAmount,
    emailInvoices: input.emailInvoices,
    description: input.description ?? "",
    disabled: false,
    status: "NEW",
    failedStep: null,
    errorSummary: null,
    sourceRunId: null,
    hasFailures: false,
  };
  const runReferences = sql`SELECT ${input.buyerReference ?? null}::text AS buyer_reference, ${input.purchaseOrderReference ?? null}::text AS purchase_order_reference`;
  return simulate(db, run, { runReferences }, options);
}

async function simulate(db: Db, run: RunRow, source: { runReferences?: SQL }, options: { allAccounts?: boolean }) {
  // Seeding a tenant's default rules is the one write (configuration, idempotent): the drafts stage would seed them too.
  await ensureDefaultRules(db, run.tenantId);
  const rules = await loadRules(db, run.tenantId);
  const tenantHasPosted = await hasPostedInvoices(db, run.tenantId);
  const selects = findingSelects(rules, { withPrevious: tenantHasPosted, tenantHasPosted });
  const findings = selects.length ? sql.join(selects.map((q) => sql`(${q})`), sql` UNION ALL `) : sql`SELECT ${sql.raw(FINDING_COLUMNS_NULL)} WHERE FALSE`;
  const setup = await loadLineSetup(db, run.tenantId);
  const { chunks } = await planChunks(db, run, "LINES", runtime().settings.engine.chunkAccounts);
  // chunks at once as the run's steps take them (one on the embedded database, a single connection)
  const concurrency = isEmbeddedDatabase(db) ? 1 : runtime().settings.engine.chunkConcurrency;
  const answers: ChunkAnswer[] = new Array(chunks.length);
  await pooled(chunks, concurrency, async (chunk, index) => {
    answers[index] = await db.transaction(async (tx) => {
      await tx.execute(sql`SET TRANSACTION READ ONLY`);
      // the settings of a stage chunk (stages/step-chunk.ts, stages/lines.ts): same plans as the real run
      await tx.execute(sql`SELECT set_config('enable_nestloop', 'off', true), set_config('work_mem', ${runtime().settings.engine.workMem}, true),
          set_config('jit', 'off', true), set_config('enable_hashagg', 'off', true), set_config('enable_mergejoin', 'off', true)`);
      return simulateChunk(tx, run, chunk, setup, findings, source);
    });
  });
  return { ...summarize(run, answers, options), held: await heldForRun(db, run) };
}

async function simulateChunk(
  tx: Queryable,
  run: RunRow,
  chunk: Chunk,
  setup: LineSetup,
  findings: SQL,
  source: { runReferences?: SQL },
): Promise<ChunkAnswer> {
  const { itemCtes, taxCtes, subscription } = lineSql(run, chunk, setup);
  const einvoice = einvoiceReadiness(run, {
    runReferences: source.runReferences,
    // lines carry a subscription only when the run groups by subscription; a probe of `l` per account is not free
    lineSubscriptions: run.groupBySubscription
      ? sql`SELECT ls.subscription_id FROM line_subscriptions ls WHERE ls.account_id = a.id`
      : sql`SELECT NULL::uuid WHERE FALSE`,
  });
  const [row] = await queryRows<ChunkAnswer>(
    tx,
    sql`
    WITH ${itemCtes},
    ${taxCtes},
    -- the lines LINES would insert (accounts with items in another currency fail instead)
    -- each line with its buyer's VAT profile first, then the VAT answers on the whole key (as stages/lines.ts does)
    g AS MATERIALIZED (
      SELECT grp.*, tb.country_key, tb.customer_type, tb.vat_state
      FROM grp JOIN tax_buyer tb ON tb.account_id = grp.account_id
      WHERE NOT EXISTS (SELECT 1 FROM bad_acc x WHERE x.account_id = grp.account_id)
    ),
    l AS MATERIALIZED (
      SELECT g.account_id, ${subscription} AS subscription_id, g.charge_id, g.quantity, g.amount, g.currency, g.items_count,
        -- as the columns of invoice_lines store them (a rate has two decimals there)
        t.vat_category::vat_category AS vat_category, t.vat_rate::numeric(5, 2) AS vat_rate, t.tax_error
      FROM g JOIN charges ch ON ch.id = g.charge_id
      JOIN tax t ON t.charge_id = g.charge_id AND t.country_key = g.country_key AND t.customer_type = g.customer_type
        AND t.buyer_vat_state = g.vat_state
    ),
    line_subscriptions AS MATERIALIZED (SELECT DISTINCT account_id, subscription_id FROM l WHERE subscription_id IS NOT NULL),
    -- from here as the drafts stage: VAT rounded per account, category and rate
    bd_all AS MATERIALIZED (
      SELECT l.account_id, l.vat_category, l.vat_rate, min(l.currency) AS currency, sum(l.amount) AS taxable,
        round(sum(l.amount) * l.vat_rate / 100, currency_exponent(min(l.currency))) AS tax, count(*) AS n,
        sum(l.items_count) AS items, string_agg(DISTINCT l.tax_error, '; ') AS tax_error
      FROM l GROUP BY l.account_id, l.vat_category, l.vat_rate
    ),
    skipped AS MATERIALIZED (
      SELECT account_id FROM bd_all WHERE ${run.skipZeroAmount ? sql`TRUE` : sql`FALSE`}
      GROUP BY account_id HAVING sum(taxable) = 0 AND sum(tax) = 0
    ),
    bd AS MATERIALIZED (SELECT * FROM bd_all WHERE account_id NOT IN (SELECT account_id FROM skipped)),
    t AS (
      SELECT bd.account_id, min(bd.currency) AS currency, sum(bd.taxable) AS net, sum(bd.tax) AS tax, sum(bd.n)::int AS lines,
        sum(bd.items)::int AS items, string_agg(DISTINCT bd.tax_error, '; ') AS tax_error
      FROM bd GROUP BY bd.account_id
    ),
    -- each account's latest posted invoice in its currency, not a correction (stages/drafts.ts: previousPostedInvoices)
    previous_invoice AS MATERIALIZED (
      SELECT a.id AS account_id, a.currency, p.net_total, p.id AS invoice_id, p.origin_run_id
      FROM customer_accounts a
      CROSS JOIN LATERAL (
        SELECT p.net_total, p.id, p.origin_run_id FROM invoices p
        WHERE p.tenant_id = ${run.tenantId} AND p.status = 'POSTED' AND p.account_id = a.id AND p.currency = a.currency
          AND p.corrects_invoice_id IS NULL
        ORDER BY p.posted_at DESC LIMIT 1) p
      WHERE ${chunkAccounts(run, chunk)} AND a.id IN (SELECT account_id FROM t)
    ),
    acc AS (
      SELECT t.account_id, t.currency, t.net, t.net + t.tax AS gross, prev.invoice_id AS prev_id, prev.net_total AS prev_net,
        ${missingBuyer} AS missing
      FROM t JOIN customer_accounts a ON a.id = t.account_id
      LEFT JOIN previous_invoice prev ON prev.account_id = t.account_id AND prev.currency = t.currency
    ),
    usage_now AS (
      SELECT l.account_id, l.charge_id, sum(l.quantity) AS qty
      FROM l JOIN charges c ON c.id = l.charge_id AND c.type = 'USAGE'
      WHERE l.account_id NOT IN (SELECT account_id FROM skipped)
      GROUP BY l.account_id, l.charge_id
    ),
    usage_before AS (${usageOnPreviousInvoices(run.tenantId)}),
    f (${FINDING_COLUMNS}) AS (${findings}),
    verdict AS (
      SELECT account_id, CASE WHEN bool_or(severity = 'REJECTED') THEN 'REJECTED' ELSE 'SUSPECT' END AS status,
        string_agg(message, '; ' ORDER BY ord, charge_id) AS reason,
        json_agg(json_build_object('kind', kind, 'severity', severity, 'message', message, 'chargeId', charge_id,
          'value', value::text, 'previousValue', previous_value::text, 'changePercent', change_percent::text,
          'threshold', threshold::text, 'currency', currency, 'previousInvoiceId', previous_invoice_id) ORDER BY ord, charge_id) AS findings
      FROM f GROUP BY account_id
    ),
    inv AS MATERIALIZED (
      SELECT t.account_id, a.name, a.external_id, t.currency, t.net, t.tax, t.lines, t.items,
        CASE WHEN t.net < 0 THEN 'CREDIT_NOTE' ELSE 'INVOICE' END AS type,
        CASE WHEN t.tax_error IS NOT NULL OR ${einvoice.missing} <> '' THEN 'REJECTED' ELSE coalesce(v.status, 'DRAFT') END AS status,
        NULLIF(concat_ws('; ', t.tax_error, v.reason, CASE WHEN ${einvoice.missing} <> '' THEN ${einvoiceMissingReason(einvoice.missing)} END), '') AS reason,
        prev.invoice_id AS prev_id, prev.net_total AS prev_net, coalesce(v.findings, '[]'::json) AS findings
      FROM t
      JOIN customer_accounts a ON a.id = t.account_id AND ${chunkAccounts(run, chunk)}
      LEFT JOIN verdict v ON v.account_id = t.account_id
      LEFT JOIN previous_invoice prev ON prev.account_id = t.account_id AND prev.currency = t.currency
      ${einvoice.joins}
    )
    SELECT
      (SELECT coalesce(json_agg(json_build_object('accountId', account_id, 'accountName', name, 'accountExternalId', external_id,
          'currency', currency, 'type', type, 'status', status, 'reason', reason, 'net', net::text, 'tax', tax::text,
          'gross', (net + tax)::text, 'lines', lines, 'items', items, 'previousInvoiceId', prev_id, 'previousNet', prev_net::text,
          'change', (net - prev_net)::text,
          'changePercent', CASE WHEN prev_net <> 0 THEN round((net - prev_net) / abs(prev_net) * 100, 1)::text END,
          'findings', findings) ORDER BY account_id), '[]'::json) FROM inv) AS accounts,
      (SELECT coalesce(json_agg(json_build_object('currency', currency, 'vatCategory', vat_category, 'vatRate', vat_rate::text,
          'country', country, 'accounts', accounts, 'net', net::text, 'tax', tax::text)), '[]'::json)
        FROM (SELECT bd.currency, bd.vat_category, bd.vat_rate, a.country::text AS country, count(*)::int AS accounts,
                sum(bd.taxable) AS net, sum(bd.tax) AS tax
              FROM bd JOIN customer_accounts a ON a.id = bd.account_id AND a.tenant_id = ${run.tenantId}
              WHERE bd.account_id IN (SELECT account_id FROM inv)
              GROUP BY bd.currency, bd.vat_category, bd.vat_rate, a.country) v) AS vat,
      (SELECT coalesce(json_agg(json_build_object('currency', currency, 'chargeType', type, 'net', net::text, 'lines', lines)), '[]'::json)
        FROM (SELECT l.currency, ch.type, sum(l.amount) AS net, count(*)::int AS lines
              FROM l JOIN charges ch ON ch.id = l.charge_id
              WHERE l.account_id IN (SELECT account_id FROM inv)
              GROUP BY l.currency, ch.type) c) AS "byChargeType",
      (SELECT coalesce(json_agg(json_build_object('accountId', b.account_id, 'accountName', a.name, 'reason', b.reason)), '[]'::json)
        FROM bad b JOIN customer_accounts a ON a.id = b.account_id AND a.tenant_id = ${run.tenantId}) AS failures,
      (SELECT count(*)::int FROM skipped) AS skipped`,
  );
  return row;
}

/** Sums of decimal strings, exact, written with the largest scale among them (as Postgres' sum of numerics). */
class DecimalSum {
  private value = new Decimal(0);
  private scale = 0;
  add(v: string) {
    this.value = this.value.plus(v);
    this.scale = Math.max(this.scale, v.includes(".") ? v.length - v.indexOf(".") - 1 : 0);
    return this;
  }
  toString() {
    return this.value.toFixed(this.scale);
  }
}

function groupSums<K extends string, R>(rows: R[], key: (r: R) => string, fields: K[], get: (r: R, f: K) => string) {
  const map = new Map<string, { first: R; sums: Record<K, DecimalSum>; count: number }>();
  for (const r of rows) {
    const k = key(r);
    let e = map.get(k);
    if (!e) {
      e = { first: r, sums: Object.fromEntries(fields.map((f) => [f, new DecimalSum()])) as Record<K, DecimalSum>, count: 0 };
      map.set(k, e);
    }
    for (const f of fields) e.sums[f].add(get(r, f));
    e.count++;
  }
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

function summarize(run: RunRow, answers: ChunkAnswer[], options: { allAccounts?: boolean }) {
  const accounts = answers.flatMap((a) => a.accounts);
  const amounts = groupSums(accounts, (a) => a.currency, ["net", "tax"], (a, f) => a[f]).map((e) => ({
    currency: e.first.currency,
    net: e.sums.net.toString(),
    tax: e.sums.tax.toString(),
    gross: new DecimalSum().add(e.sums.net.toString()).add(e.sums.tax.toString()).toString(),
  }));
  const byChargeType = groupSums(answers.flatMap((a) => a.byChargeType), (r) => `${r.currency}|${r.chargeType}`, ["net"], (r) => r.net).map((e) => ({
    currency: e.first.currency,
    chargeType: e.first.chargeType,
    net: e.sums.net.toString(),
    lines: 0,
  }));
  for (const row of byChargeType) {
    row.lines = answers.flatMap((a) => a.byChargeType).filter((r) => r.currency === row.currency && r.chargeType === row.chargeType).reduce((n, r) => n + r.lines, 0);
  }
  const vatRows = answers.flatMap((a) => a.vat);
  const vatByCategoryAndCountry = groupSums(vatRows, (r) => `${r.currency}|${r.vatCategory}|${r.country ?? ""}|${r.vatRate}`, ["net", "tax"], (r, f) => r[f]).map(
    (e) => ({
      currency: e.first.currency,
      vatCategory: e.first.vatCategory,
      vatRate: e.first.vatRate,
      country: e.first.country,
      accounts: vatRows
        .filter((r) => r.currency === e.first.currency && r.vatCategory === e.first.vatCategory && r.vatRate === e.first.vatRate && r.country === e.first.country)
        .reduce((n, r) => n + r.accounts, 0),
      net: e.sums.net.toString(),
      tax: e.sums.tax.toString(),
      label: documentText("en", `vat.category.${e.first.vatCategory}`),
    }),
  );
  // the run statistics' order: currency, category (the enum's order), country (none first), rate
  const categoryOrder = vatCategory.enumValues as readonly string[];
  vatByCategoryAndCountry.sort(
    (a, b) =>
      a.currency.localeCompare(b.currency) ||
      categoryOrder.indexOf(a.vatCategory) - categoryOrder.indexOf(b.vatCategory) ||
      (a.country === b.country ? 0 : a.country === null ? -1 : b.country === null ? 1 : a.country < b.country ? -1 : 1) ||
      new Decimal(a.vatRate).comparedTo(b.vatRate),
  );
  const count = (pred: (a: SimulatedAccount) => boolean) => accounts.filter(pred).length;
  const findingCounts = new Map<string, { kind: RuleKind; severity: RuleSeverity; invoices: number }>();
  for (const a of accounts) {
    const seen = new Set<string>();
    for (const f of a.findings) {
      const k = `${f.kind}|${f.severity}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const e = findingCounts.get(k) ?? { kind: f.kind, severity: f.severity, invoices: 0 };
      e.invoices++;
      findingCounts.set(k, e);
    }
  }
  const withPrevious = accounts.filter((a) => a.previousNet !== null);
  // one Decimal per account and one collator, not two Decimals and a localeCompare per comparison (2.4 s for 100,000)
  const byName = new Intl.Collator();
  const byChange = accounts
    .map((account) => ({ account, size: new Decimal(account.change ?? account.net).abs() }))
    .sort((a, b) => b.size.comparedTo(a.size) || byName.compare(a.account.accountName, b.account.accountName) || (a.account.accountId < b.account.accountId ? -1 : 1))
    .map((entry) => entry.account);
  const netSign = accounts.map((a) => new Decimal(a.net).comparedTo(0));
  const changeSign = withPrevious.map((a) => new Decimal(a.change!).comparedTo(0));
  const failures = answers.flatMap((a) => a.failures);
  return {
    run: {
      id: run.id === ZERO_UUID ? null : run.id,
      type: run.type,
      billingCycleId: run.billingCycleId,
      filter: run.filter,
      invoiceDate: run.invoiceDate,
      cutoffDate: run.cutoffDate,
    },
    counts: {
      accounts: accounts.length,
      lines: accounts.reduce((n, a) => n + a.lines, 0),
      items: accounts.reduce((n, a) => n + a.items, 0),
      invoices: { DRAFT: count((a) => a.status === "DRAFT"), SUSPECT: count((a) => a.status === "SUSPECT"), REJECTED: count((a) => a.status === "REJECTED") },
      invoicesByType: { INVOICE: count((a) => a.type === "INVOICE"), CREDIT_NOTE: count((a) => a.type === "CREDIT_NOTE") },
      failedAccounts: failures.length,
      skippedZeroAmount: answers.reduce((n, a) => n + a.skipped, 0),
    },
    amounts,
    byChargeType,
    vatByCategoryAndCountry,
    invoiceSigns: {
      positive: netSign.filter((sign) => sign > 0).length,
      negative: netSign.filter((sign) => sign < 0).length,
      zero: netSign.filter((sign) => sign === 0).length,
    },
    // in the enum's order, as the run statistics list them
    findings: [...findingCounts.values()].sort((a, b) => RULE_KINDS.indexOf(a.kind) - RULE_KINDS.indexOf(b.kind) || a.severity.localeCompare(b.severity)),
    changeVsPrevious: {
      accountsWithPrevious: withPrevious.length,
      increased: changeSign.filter((sign) => sign > 0).length,
      decreased: changeSign.filter((sign) => sign < 0).length,
      unchanged: changeSign.filter((sign) => sign === 0).length,
      firstInvoices: accounts.length - withPrevious.length,
    },
    failures: failures.slice(0, SIMULATION_TOP_ACCOUNTS),
    accounts: {
      total: accounts.length,
      /** biggest change against the previous posted invoice first (the net for a first invoice) */
      rows: options.allAccounts ? byChange : byChange.slice(0, SIMULATION_TOP_ACCOUNTS),
    },
  };
}

export type Simulation = Awaited<ReturnType<typeof simulateRun>>;
