import { sql, type SQL } from "drizzle-orm";
import Decimal from "decimal.js";
import { roundToMinorUnit } from "@/lib/money";

// BT-6 / BT-111 fixed when an invoice is posted (migration 0021): the tenant's VAT accounting currency and, for an
// invoice in another currency, its latest exchange rate on or before the invoice date, with that rate's date. Documents
// of posted invoices read these columns, so changing a rate or the accounting currency later never changes them.

/** A FROM item `vc` with the tenant's VAT accounting currency (one row, evaluated once per statement). */
export const vatAccountingCurrencyFrom = (tenantId: string) =>
  sql`(SELECT (SELECT coalesce(t.vat_accounting_currency, t.default_currency)::text FROM tenant_profiles t WHERE t.tenant_id = ${tenantId}) AS currency) vc`;

/**
 * The SET assignments of a posting UPDATE of `invoices i` with `vc` in its FROM list; `invoiceDate` is the date the
 * posted invoice carries (the rate is looked up only for a foreign-currency invoice).
 */
export function fixVatAccounting(invoiceDate: SQL): SQL {
  const latest = (column: SQL) =>
    sql`CASE WHEN i.currency::text <> vc.currency THEN (
          SELECT ${column} FROM exchange_rates x
          WHERE x.tenant_id = i.tenant_id AND x.currency = i.currency AND x.rate_date <= ${invoiceDate}
          ORDER BY x.rate_date DESC LIMIT 1) END`;
  return sql`vat_accounting_currency = vc.currency, vat_exchange_rate = ${latest(sql`x.rate`)}, vat_exchange_rate_date = ${latest(sql`x.rate_date`)}`;
}

/** BT-111: the document's VAT total converted at the fixed rate, rounded to the accounting currency's minor unit. */
export function vatTotalInAccountingCurrency(taxTotal: string, rate: string, accountingCurrency: string): string {
  return roundToMinorUnit(new Decimal(taxTotal).times(rate), accountingCurrency.trim());
}
