import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import type { RuleKind, RuleSeverity } from "@/lib/billing-values";
import { notFound } from "@/server/errors";

// Explained findings: the rules an invoice matched when its draft was created (written by the drafts stage), and the
// comparison with the account's previous posted invoice, charge by charge.

/** What the invoices table shows per finding (badge + tooltip). */
export type FindingBadge = { kind: RuleKind; severity: RuleSeverity; message: string };

/** A JSON array of the invoice's findings (`invoiceId`: an SQL expression), for list rows. */
export const findingBadges = (invoiceId: SQL) =>
  sql`coalesce((SELECT json_agg(json_build_object('kind', f.rule_kind, 'severity', f.severity, 'message', f.message) ORDER BY f.id)
      FROM invoice_findings f WHERE f.invoice_id = ${invoiceId}), '[]'::json)`;

/** Invoices (alias i) with a finding of `rule`. */
export const hasFinding = (rule: RuleKind) =>
  sql`EXISTS (SELECT 1 FROM invoice_findings f WHERE f.invoice_id = i.id AND f.rule_kind = ${rule}::rule_kind)`;

export type Finding = FindingBadge & {
  chargeId: string | null;
  chargeCode: string | null;
  value: string | null;
  previousValue: string | null;
  changePercent: string | null;
  threshold: string | null;
  currency: string | null;
  previousInvoiceId: string | null;
};

export async function invoiceFindings(db: Queryable, tenantId: string, invoiceId: string): Promise<Finding[]> {
  return queryRows<Finding>(
    db,
    sql`SELECT f.rule_kind AS kind, f.severity, f.message, f.charge_id AS "chargeId", ch.code AS "chargeCode",
          f.value::text AS value, f.previous_value::text AS "previousValue", f.change_percent::text AS "changePercent",
          f.threshold::text AS threshold, f.currency, f.previous_invoice_id AS "previousInvoiceId"
        FROM invoice_findings f LEFT JOIN charges ch ON ch.id = f.charge_id
        WHERE f.invoice_id = ${invoiceId}::uuid AND f.tenant_id = ${tenantId} ORDER BY f.id`,
  );
}

export type ComparisonLine = {
  chargeCode: string;
  chargeLabel: string;
  chargeType: string;
  quantity: string | null;
  previousQuantity: string | null;
  amount: string | null;
  previousAmount: string | null;
  /** amount − previous amount (missing side counted as 0) */
  change: string;
  /** % change of the amount; null without a previous amount */
  changePercent: string | null;
};

export type InvoiceComparison = {
  previous: { id: string; number: string | null; invoiceDate: string; netTotal: string; grossTotal: string; billingRunId: string } | null;
  netTotal: string;
  previousNetTotal: string | null;
  changePercent: string | null;
  lines: ComparisonLine[];
};

/**
 * The invoice against the account's previous posted invoice in the same currency (posted before this one, if this one
 * is posted): totals and, charge by charge, quantity and amount now and then.
 */
export async function invoiceComparison(db: Queryable, tenantId: string, invoiceId: string): Promise<InvoiceComparison> {
  const [inv] = await queryRows<{ accountId: string; currency: string; originRunId: string; netTotal: string; postedAt: string | null }>(
    db,
    sql`SELECT account_id AS "accountId", currency, origin_run_id AS "originRunId", net_total::text AS "netTotal", posted_at::text AS "postedAt"
        FROM invoices WHERE id = ${invoiceId}::uuid AND tenant_id = ${tenantId}`,
  );
  if (!inv) throw notFound("Invoice");
  const [previous] = await queryRows<NonNullable<InvoiceComparison["previous"]> & { originRunId: string }>(
    db,
    sql`SELECT p.id, p.number, p.invoice_date::text AS "invoiceDate", p.net_total::text AS "netTotal", p.gross_total::text AS "grossTotal",
          p.billing_run_id AS "billingRunId", p.origin_run_id AS "originRunId"
        FROM invoices p
        WHERE p.tenant_id = ${tenantId} AND p.status = 'POSTED' AND p.account_id = ${inv.accountId}::uuid AND p.currency = ${inv.currency}
          AND p.id <> ${invoiceId}::uuid AND (${inv.postedAt}::timestamptz IS NULL OR p.posted_at < ${inv.postedAt}::timestamptz)
        ORDER BY p.posted_at DESC LIMIT 1`,
  );
  const lineSums = (runId: string | null) => sql`
    SELECT l.charge_id, sum(l.quantity) AS quantity, sum(l.amount) AS amount FROM invoice_lines l
    WHERE l.tenant_id = ${tenantId} AND l.billing_run_id = ${runId}::uuid AND l.account_id = ${inv.accountId}::uuid GROUP BY l.charge_id`;
  const lines = await queryRows<ComparisonLine>(
    db,
    sql`WITH now_l AS (${lineSums(inv.originRunId)}), before_l AS (${lineSums(previous?.originRunId ?? null)})
        SELECT ch.code AS "chargeCode", ch.label AS "chargeLabel", ch.type AS "chargeType",
          n.quantity::text AS quantity, b.quantity::text AS "previousQuantity", n.amount::text AS amount, b.amount::text AS "previousAmount",
          (coalesce(n.amount, 0) - coalesce(b.amount, 0))::text AS change,
          CASE WHEN b.amount IS NOT NULL AND b.amount <> 0 THEN round((coalesce(n.amount, 0) - b.amount) / abs(b.amount) * 100, 1)::text END AS "changePercent"
        FROM now_l n FULL JOIN before_l b ON b.charge_id = n.charge_id
        JOIN charges ch ON ch.id = coalesce(n.charge_id, b.charge_id)
        ORDER BY abs(coalesce(n.amount, 0) - coalesce(b.amount, 0)) DESC, ch.code`,
  );
  const [totals] = await queryRows<{ changePercent: string | null }>(
    db,
    sql`SELECT CASE WHEN ${previous?.netTotal ?? null}::numeric <> 0
          THEN round((${inv.netTotal}::numeric - ${previous?.netTotal ?? null}::numeric) / abs(${previous?.netTotal ?? null}::numeric) * 100, 1)::text
        END AS "changePercent"`,
  );
  const prev = previous ? (({ originRunId: _omit, ...rest }) => rest)(previous) : null;
  return { previous: prev, netTotal: inv.netTotal, previousNetTotal: previous?.netTotal ?? null, changePercent: totals.changePercent, lines };
}
