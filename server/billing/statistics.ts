import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import type { VatCategoryCode } from "@/server/documents/invoice-document";
import { documentText } from "@/server/documents/i18n";
import { heldForRun } from "./holds";
import { formatRunNumber } from "./run-list";
import { loadRun } from "./runs-core";

// The pre-invoicing report, computed in SQL from the run's lines (and invoices once they exist). Money as strings.

/** The run's lines: its own (not moved to a quarantine run) plus those of invoices quarantined into it; not canceled. */
function scopeLines(tenantId: string, runId: string): SQL {
  return sql`SELECT l.id, l.billing_run_id, l.account_id, l.subscription_id, l.charge_id, l.amount, l.currency, l.vat_category,
      l.vat_rate, l.items_count
    FROM invoice_lines l
    LEFT JOIN invoices i ON i.origin_run_id = l.billing_run_id AND i.account_id = l.account_id
    WHERE l.tenant_id = ${tenantId}
      AND (l.billing_run_id = ${runId}::uuid
           OR l.billing_run_id IN (SELECT origin_run_id FROM invoices WHERE billing_run_id = ${runId}::uuid AND tenant_id = ${tenantId}))
      AND coalesce(i.billing_run_id, l.billing_run_id) = ${runId}::uuid
      AND (i.status IS NULL OR i.status <> 'CANCELED')`;
}

/** The rated items behind those lines (`s`): the items of each (claiming run, account) pair, through the claims. */
function scopeItems(tenantId: string): SQL {
  return sql`SELECT r.id, r.account_id, r.subscription_id, r.currency, r.amount
    FROM (SELECT DISTINCT billing_run_id, account_id FROM s) pair
    JOIN rated_items r ON r.tenant_id = ${tenantId} AND r.account_id = pair.account_id
    JOIN rated_item_claims c ON c.rated_item_id = r.id AND c.billing_run_id = pair.billing_run_id`;
}

export async function runStatistics(db: Queryable, tenantId: string, runId: string, options: { top?: number } = {}) {
  const run = await loadRun(db, tenantId, runId);
  const top = options.top ?? 10;
  const scope = scopeLines(tenantId, runId);

  const [counts] = await queryRows<{ accounts: number; subscriptions: number; items: number; lines: number }>(
    db,
    sql`WITH s AS (${scope})
        SELECT (SELECT count(DISTINCT account_id) FROM s)::int AS accounts,
          (SELECT count(*) FROM s)::int AS lines,
          (SELECT coalesce(sum(items_count), 0) FROM s)::int AS items,
          (SELECT count(DISTINCT subscription_id) FROM (${scopeItems(tenantId)}) r)::int AS subscriptions`,
  );
  const invoiceStatus = await queryRows<{ status: string; type: string; n: number }>(
    db,
    sql`SELECT status, type, count(*)::int AS n FROM invoices WHERE tenant_id = ${tenantId} AND billing_run_id = ${runId}::uuid
        GROUP BY status, type ORDER BY status, type`,
  );
  const amounts = await queryRows<{ currency: string; net: string; tax: string; gross: string }>(
    db,
    sql`WITH s AS (${scope}), bd AS (
          SELECT currency, sum(amount) AS net, round(sum(amount) * vat_rate / 100, currency_exponent(currency)) AS tax
          FROM s GROUP BY account_id, currency, vat_category, vat_rate)
        SELECT currency, sum(net)::text AS net, sum(tax)::text AS tax, (sum(net) + sum(tax))::text AS gross
        FROM bd GROUP BY currency ORDER BY currency`,
  );
  const byChargeType = await queryRows<{ currency: string; chargeType: string; net: string; lines: number }>(
    db,
    sql`WITH s AS (${scope})
        SELECT s.currency, ch.type AS "chargeType", sum(s.amount)::text AS net, count(*)::int AS lines
        FROM s JOIN charges ch ON ch.id = s.charge_id GROUP BY s.currency, ch.type ORDER BY s.currency, ch.type`,
  );
  // VAT per category, rate and buyer country (what an OSS or EC sales list return needs), rounded like the invoices:
  // once per account, category and rate.
  const vatByCategoryAndCountry = await queryRows<{
    currency: string;
    vatCategory: VatCategoryCode;
    vatRate: string;
    country: string | null;
    accounts: number;
    net: string;
    tax: string;
  }>(
    db,
    sql`WITH s AS (${scope}), bd AS (
          SELECT account_id, currency, vat_category, vat_rate, sum(amount) AS net,
            round(sum(amount) * vat_rate / 100, currency_exponent(currency)) AS tax
          FROM s GROUP BY account_id, currency, vat_category, vat_rate)
        SELECT bd.currency, bd.vat_category AS "vatCategory", bd.vat_rate::text AS "vatRate", a.country::text AS country,
          count(*)::int AS accounts, sum(bd.net)::text AS net, sum(bd.tax)::text AS tax
        FROM bd JOIN customer_accounts a ON a.id = bd.account_id AND a.tenant_id = ${tenantId}
        GROUP BY bd.currency, bd.vat_category, bd.vat_rate, a.country
        ORDER BY bd.currency, bd.vat_category, a.country NULLS FIRST, bd.vat_rate`,
  );
  const topAccounts = await queryRows<{ accountId: string; accountName: string; currency: string; net: string }>(
    db,
    sql`WITH s AS (${scope})
        SELECT "accountId", "accountName", currency, net::text AS net FROM (
          SELECT s.account_id AS "accountId", a.name AS "accountName", s.currency, sum(s.amount) AS net,
            row_number() OVER (PARTITION BY s.currency ORDER BY sum(s.amount) DESC, a.name) AS rank
          FROM s JOIN customer_accounts a ON a.id = s.account_id
          GROUP BY s.account_id, a.name, s.currency) ranked
        WHERE rank <= ${top} ORDER BY currency, rank`,
  );
  const topSubscriptions = await queryRows<{ subscriptionId: string; subscriptionName: string; accountName: string; currency: string; amount: string }>(
    db,
    sql`WITH s AS (${scope})
        SELECT "subscriptionId", "subscriptionName", "accountName", currency, amount::text AS amount FROM (
          SELECT r.subscription_id AS "subscriptionId", sub.name AS "subscriptionName", a.name AS "accountName", r.currency,
            sum(r.amount) AS amount,
            row_number() OVER (PARTITION BY r.currency ORDER BY sum(r.amount) DESC, sub.name, r.subscription_id) AS rank
          FROM (${scopeItems(tenantId)}) r
          JOIN subscriptions sub ON sub.id = r.subscription_id JOIN customer_accounts a ON a.id = r.account_id
          GROUP BY r.subscription_id, sub.name, a.name, r.currency) ranked
        WHERE rank <= ${top} ORDER BY currency, rank`,
  );
  const topCharges = await queryRows<{ chargeId: string; code: string; label: string; chargeType: string; currency: string; net: string }>(
    db,
    sql`WITH s AS (${scope})
        SELECT "chargeId", code, label, "chargeType", currency, net::text AS net FROM (
          SELECT ch.id AS "chargeId", ch.code, ch.label, ch.type AS "chargeType", s.currency, sum(s.amount) AS net,
            row_number() OVER (PARTITION BY s.currency ORDER BY sum(s.amount) DESC, ch.code) AS rank
          FROM s JOIN charges ch ON ch.id = s.charge_id
          GROUP BY ch.id, ch.code, ch.label, ch.type, s.currency) ranked
        WHERE rank <= ${top} ORDER BY currency, rank`,
  );
  const [signs] = await queryRows<{ positive: number; negative: number; zero: number; source: string }>(
    db,
    sql`WITH s AS (${scope}),
        per_account AS (SELECT account_id, sum(amount) AS net FROM s GROUP BY account_id),
        inv AS (SELECT net_total AS net FROM invoices WHERE tenant_id = ${tenantId} AND billing_run_id = ${runId}::uuid AND status <> 'CANCELED'),
        src AS (SELECT net, 'invoices' AS source FROM inv
                UNION ALL SELECT net, 'lines' FROM per_account WHERE NOT EXISTS (SELECT 1 FROM inv))
        SELECT count(*) FILTER (WHERE net > 0)::int AS positive, count(*) FILTER (WHERE net < 0)::int AS negative,
          count(*) FILTER (WHERE net = 0)::int AS zero, coalesce(min(source), 'lines') AS source FROM src`,
  );

  // Change against the previous run of the same cycle (not canceled), per account, biggest movers first.
  const [previous] =
    run.type === "CYCLE"
      ? await queryRows<{ id: string; number: number }>(
          db,
          sql`SELECT id, number FROM billing_runs
              WHERE tenant_id = ${tenantId} AND type = 'CYCLE' AND billing_cycle_id = ${run.billingCycleId}::uuid
                AND number < ${run.number} AND status NOT IN ('CANCELED', 'CANCELING')
              ORDER BY number DESC LIMIT 1`,
        )
      : [];
  const changes = previous
    ? await queryRows<{
        accountId: string;
        accountName: string;
        currency: string;
        current: string;
        previous: string;
        change: string;
        changePercent: string | null;
      }>(
        db,
        sql`WITH cur AS (SELECT account_id, currency, sum(amount) AS net FROM (${scope}) s GROUP BY account_id, currency),
            prev AS (SELECT account_id, currency, sum(amount) AS net FROM (${scopeLines(tenantId, previous.id)}) s GROUP BY account_id, currency),
            j AS (
              SELECT coalesce(cur.account_id, prev.account_id) AS account_id, coalesce(cur.currency, prev.currency) AS currency,
                coalesce(cur.net, 0) AS current, coalesce(prev.net, 0) AS previous
              FROM cur FULL OUTER JOIN prev ON prev.account_id = cur.account_id AND prev.currency = cur.currency)
            SELECT j.account_id AS "accountId", a.name AS "accountName", j.currency, j.current::text AS current,
              j.previous::text AS previous, (j.current - j.previous)::text AS change,
              CASE WHEN j.previous = 0 THEN NULL ELSE round((j.current - j.previous) / abs(j.previous) * 100, 1)::text END AS "changePercent"
            FROM j JOIN customer_accounts a ON a.id = j.account_id
            WHERE j.current <> j.previous
            ORDER BY abs(j.current - j.previous) DESC, a.name LIMIT ${top * 2}`,
      )
    : [];

  // Corrections: what credit notes issued from the run's posted invoices credit, per currency (drafts reserve, not counted).
  const credited = await queryRows<{ currency: string; creditNotes: number; invoices: number; net: string; tax: string; gross: string }>(
    db,
    sql`SELECT n.currency::text AS currency, count(*)::int AS "creditNotes", count(DISTINCT n.corrects_invoice_id)::int AS invoices,
          (-sum(n.net_total))::text AS net, (-sum(n.tax_total))::text AS tax, (-sum(n.gross_total))::text AS gross
        FROM invoices o JOIN invoices n ON n.corrects_invoice_id = o.id AND n.tenant_id = o.tenant_id AND n.status = 'POSTED'
        WHERE o.tenant_id = ${tenantId} AND o.billing_run_id = ${runId}::uuid AND o.status = 'POSTED'
        GROUP BY n.currency ORDER BY n.currency`,
  );

  // Tops are ranked per currency (EUR and USD amounts are not comparable): the first `top` of each, by currency.
  return {
    runId,
    counts: {
      ...counts,
      invoices: Object.fromEntries(["DRAFT", "SUSPECT", "REJECTED", "POSTED", "CANCELED"].map((s) => [s, invoiceStatus.filter((r) => r.status === s).reduce((a, r) => a + r.n, 0)])),
      invoicesByType: Object.fromEntries(["INVOICE", "CREDIT_NOTE"].map((t) => [t, invoiceStatus.filter((r) => r.type === t).reduce((a, r) => a + r.n, 0)])),
    },
    amounts,
    byChargeType,
    // the label the invoices print for the category (the documents' catalogue; the dashboard is in English)
    vatByCategoryAndCountry: vatByCategoryAndCountry.map((r) => ({ ...r, label: documentText("en", `vat.category.${r.vatCategory}`) })),
    top: { accounts: topAccounts, subscriptions: topSubscriptions, charges: topCharges },
    invoiceSigns: signs,
    /** posted credit notes correcting the run's invoices, per currency (positive amounts) */
    credited,
    changeVsPrevious: {
      previousRun: previous ? { id: previous.id, number: previous.number, label: formatRunNumber(previous.number) } : null,
      rows: changes,
    },
    // accounts on hold the run skips (their open items before the cut-off), and the findings of its drafts per rule
    held: await heldForRun(db, run),
    findings: await queryRows<{ kind: string; severity: string; invoices: number }>(
      db,
      sql`SELECT f.rule_kind AS kind, f.severity, count(DISTINCT f.invoice_id)::int AS invoices FROM invoice_findings f
          JOIN invoices i ON i.id = f.invoice_id AND i.billing_run_id = ${runId}::uuid
          WHERE f.tenant_id = ${tenantId} GROUP BY f.rule_kind, f.severity ORDER BY f.rule_kind`,
    ),
  };
}
