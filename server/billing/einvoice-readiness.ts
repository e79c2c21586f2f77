import { sql, type SQL } from "drizzle-orm";
import type { RunRow } from "./runs-core";

/**
 * E-invoice readiness, checked when drafts are created: an account that wants an e-invoice (Peppol BIS, XRechnung,
 * Factur-X) but lacks what its format requires gets a REJECTED invoice naming the missing fields, instead of a document
 * that a receiving system refuses later. Also fixes the invoice's buyer reference (BT-10) and purchase order reference
 * (BT-13): the run's, else the one its subscriptions agree on, else the account's.
 *
 * Used inside the drafts statement (stages/drafts.ts), over its aliases: `a` the account, `t` the new invoice's totals
 * (currency, net). The requirements mirror the rules the corpus test runs (server/documents/einvoice/):
 * - every format: a rate for the VAT accounting currency when the invoice is in another currency (BT-111, BR-53);
 * - PEPPOL and XRECHNUNG: seller and buyer electronic address (PEPPOL-EN16931-R020 / R010), buyer reference or purchase
 *   order (R003);
 * - XRECHNUNG always, PEPPOL when seller and buyer are both German (DE-R-*): buyer reference (BR-DE-15), seller contact
 *   name, telephone and e-mail (BR-DE-5/6/7), the seller's IBAN for the payment instructions (BR-DE-1), buyer city and
 *   post code (BR-DE-8/9).
 */
export function einvoiceReadiness(
  run: Pick<RunRow, "id" | "tenantId" | "invoiceDate">,
  // a simulation has no run row or lines yet: it passes its own references and lines (server/billing/simulation.ts)
  source: { runReferences?: SQL; lineSubscriptions?: SQL } = {},
): { joins: SQL; snapshot: SQL; missing: SQL } {
  const runReferences =
    source.runReferences ?? sql`SELECT buyer_reference, purchase_order_reference FROM billing_runs WHERE id = ${run.id}::uuid AND tenant_id = ${run.tenantId}`;
  const lineSubscriptions =
    source.lineSubscriptions ??
    sql`SELECT l.subscription_id FROM invoice_lines l WHERE l.billing_run_id = ${run.id}::uuid AND l.account_id = a.id`;
  const joins = sql`
      CROSS JOIN (SELECT sp.country, sp.iban, sp.contact_name, sp.contact_phone, coalesce(sp.contact_email, sp.email) AS contact_email,
                         sp.electronic_address, coalesce(sp.vat_accounting_currency, sp.default_currency) AS vat_currency,
                         br.buyer_reference AS run_buyer_reference, br.purchase_order_reference AS run_po
                    FROM tenant_profiles sp CROSS JOIN (${runReferences}) br
                   WHERE sp.tenant_id = ${run.tenantId}) ei_seller
      LEFT JOIN LATERAL (
        SELECT CASE WHEN count(DISTINCT s.buyer_reference) = 1 THEN min(s.buyer_reference) END AS buyer_reference,
               CASE WHEN count(DISTINCT s.purchase_order_reference) = 1 THEN min(s.purchase_order_reference) END AS po
          FROM subscriptions s
         WHERE s.tenant_id = ${run.tenantId} AND s.account_id = a.id
           AND s.id IN (${lineSubscriptions})
      ) ei_sub ON TRUE
      CROSS JOIN LATERAL (
        SELECT nullif(btrim(coalesce(ei_seller.run_buyer_reference, ei_sub.buyer_reference, a.buyer_reference)), '') AS buyer_reference,
               nullif(btrim(coalesce(ei_seller.run_po, ei_sub.po, a.purchase_order_reference)), '') AS po,
               (a.einvoice_format = 'XRECHNUNG' OR (a.einvoice_format = 'PEPPOL' AND ei_seller.country = 'DE' AND a.country = 'DE')) AS german_rules,
               (t.currency <> ei_seller.vat_currency AND NOT EXISTS (
                  SELECT 1 FROM exchange_rates x WHERE x.tenant_id = ${run.tenantId} AND x.currency = t.currency
                     AND x.rate_date <= ${run.invoiceDate}::date)) AS rate_missing
      ) ei`;
  const blank = (v: SQL) => sql`coalesce(btrim(${v}), '') = ''`;
  const ubl = sql`a.einvoice_format IN ('PEPPOL', 'XRECHNUNG')`;
  const missing = sql`CASE WHEN a.einvoice_format <> 'NONE' THEN concat_ws(', ',
      CASE WHEN ${ubl} AND ${blank(sql`ei_seller.electronic_address`)} THEN 'seller electronic address (Settings)' END,
      CASE WHEN ${ubl} AND ${blank(sql`a.electronic_address`)} THEN 'buyer electronic address' END,
      CASE WHEN ${ubl} AND NOT ei.german_rules AND ei.buyer_reference IS NULL AND ei.po IS NULL THEN 'buyer reference or purchase order reference' END,
      CASE WHEN ei.german_rules AND ei.buyer_reference IS NULL THEN 'buyer reference' END,
      CASE WHEN ei.german_rules AND ${blank(sql`ei_seller.contact_name`)} THEN 'seller contact name (Settings)' END,
      CASE WHEN ei.german_rules AND ${blank(sql`ei_seller.contact_phone`)} THEN 'seller contact telephone (Settings)' END,
      CASE WHEN ei.german_rules AND ${blank(sql`ei_seller.contact_email`)} THEN 'seller contact e-mail (Settings)' END,
      CASE WHEN ei.german_rules AND t.net >= 0 AND ${blank(sql`ei_seller.iban`)} THEN 'seller IBAN (Settings)' END,
      CASE WHEN ei.rate_missing THEN 'exchange rate ' || t.currency || ' → ' || ei_seller.vat_currency || ' on or before ' || ${run.invoiceDate}::text || ' (Settings → Exchange rates)' END
    ) ELSE '' END`;
  const snapshot = sql`'buyerReference', ei.buyer_reference, 'purchaseOrderReference', ei.po, 'einvoiceFormat', a.einvoice_format`;
  return { joins, snapshot, missing };
}

/** The REJECTED reason's text for the missing fields. */
export const einvoiceMissingReason = (missing: SQL) =>
  sql`'E-invoice data missing (' || a.einvoice_format || '): ' || ${missing}`;
