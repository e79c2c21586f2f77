import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";

// The usage annex of an invoice: the rated items behind each line of a charge that asks for it (charges.usage_annex),
// listed after the invoice, up to a limit per invoice and then counted ("… and 1,234 more items").

/** Items listed per invoice; the rest are counted. */
export const USAGE_ANNEX_LIMIT = 100;

export type UsageAnnexItem = { date: string; description: string; quantity: string; amount: string };
export type UsageAnnexSection = { line: string; items: UsageAnnexItem[] };
/** Sections in the order of the invoice's lines; `more`: the items not listed. */
export type UsageAnnex = { sections: UsageAnnexSection[]; more: number };

type AnnexRow = UsageAnnexItem & { line_id: string; line: string; total: number };

/**
 * The annex of a run's invoice for these of its lines (ids in the document's order). An item belongs to the line of
 * its charge (and subscription, unit price when the line has one) whose period holds its date; credits, discounts and
 * refunds are lines of their own and not listed.
 */
export async function loadUsageAnnex(
  db: Queryable,
  tenantId: string,
  invoice: { runId: string; accountId: string; lineIds: string[] },
  limit = USAGE_ANNEX_LIMIT,
): Promise<UsageAnnex | null> {
  if (!invoice.lineIds.length) return null;
  const ids = `{${invoice.lineIds.map((id) => String(BigInt(id))).join(",")}}`;
  const rows = await queryRows<AnnexRow>(
    db,
    sql`WITH ln AS (
          SELECT l.id, l.description, l.charge_id, l.subscription_id, l.unit_price, l.period_start, l.period_end
          FROM invoice_lines l
          WHERE l.tenant_id = ${tenantId} AND l.billing_run_id = ${invoice.runId}::uuid AND l.account_id = ${invoice.accountId}::uuid
            AND l.id = ANY(${ids}::bigint[])
        ), it AS (
          SELECT DISTINCT ON (r.id) ln.id AS line_id, ln.description AS line, r.id, r.usage_date, r.description, r.quantity, r.amount
          FROM ln JOIN rated_items r ON r.tenant_id = ${tenantId} AND r.account_id = ${invoice.accountId}::uuid AND r.charge_id = ln.charge_id
            AND r.usage_date BETWEEN ln.period_start AND ln.period_end
            AND (ln.subscription_id IS NULL OR r.subscription_id = ln.subscription_id)
            AND (ln.unit_price IS NULL OR r.unit_price = ln.unit_price)
          WHERE coalesce(r.kind, (CASE WHEN r.amount < 0 THEN 'CREDIT' ELSE 'CHARGE' END)::line_kind) = 'CHARGE'
            AND EXISTS (SELECT 1 FROM rated_item_claims c WHERE c.rated_item_id = r.id AND c.billing_run_id = ${invoice.runId}::uuid)
          ORDER BY r.id, ln.id
        )
        SELECT line_id::text AS line_id, line, usage_date::text AS date, description, quantity::text AS quantity, amount::text AS amount,
          count(*) OVER ()::int AS total
        FROM it ORDER BY array_position(${ids}::bigint[], line_id), usage_date, id LIMIT ${limit}`,
  );
  if (!rows.length) return null;
  const sections: (UsageAnnexSection & { id: string })[] = [];
  for (const r of rows) {
    let section = sections.at(-1);
    if (section?.id !== r.line_id) sections.push((section = { id: r.line_id, line: r.line, items: [] }));
    section.items.push({ date: r.date, description: r.description, quantity: r.quantity, amount: r.amount });
  }
  return { sections: sections.map(({ line, items }) => ({ line, items })), more: rows[0].total - rows.length };
}
