import { parseAsArrayOf, parseAsBoolean, parseAsInteger, parseAsString, parseAsStringLiteral } from "nuqs";
import { INVOICE_SORTS, INVOICE_STATUSES, INVOICE_TYPES, RULE_KINDS } from "@/lib/billing-values";

export { INVOICE_SORTS };
export type InvoiceSort = (typeof INVOICE_SORTS)[number];

// The invoices section's filters live in the URL (prefixed, beside other page state) so a review can be shared.
export const invoicesSearchParsers = {
  invStatus: parseAsArrayOf(parseAsStringLiteral(INVOICE_STATUSES)).withDefault([]),
  invType: parseAsArrayOf(parseAsStringLiteral(INVOICE_TYPES)).withDefault([]),
  invAccount: parseAsString.withDefault(""),
  invMin: parseAsString.withDefault(""),
  invMax: parseAsString.withDefault(""),
  invCurrency: parseAsString.withDefault(""),
  invNumber: parseAsString.withDefault(""),
  invReason: parseAsBoolean.withDefault(false),
  invRule: parseAsStringLiteral(RULE_KINDS),
  invPage: parseAsInteger.withDefault(1),
  invSize: parseAsInteger.withDefault(20),
  invSort: parseAsStringLiteral(INVOICE_SORTS).withDefault("accountName"),
  invDir: parseAsStringLiteral(["asc", "desc"] as const).withDefault("asc"),
};

type Search = {
  invStatus: (typeof INVOICE_STATUSES)[number][];
  invType: (typeof INVOICE_TYPES)[number][];
  invAccount: string;
  invMin: string;
  invMax: string;
  invCurrency: string;
  invNumber: string;
  invReason: boolean;
  invRule?: (typeof RULE_KINDS)[number] | null;
};

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The server-side invoice filter (also the bulk-action target "everything matching the filter"). */
export function toInvoiceFilter(search: Search) {
  const currency = search.invCurrency.trim().toUpperCase();
  return {
    ...(search.invStatus.length ? { status: search.invStatus } : {}),
    ...(search.invType.length ? { type: search.invType } : {}),
    ...(search.invAccount.trim() ? { accountQuery: search.invAccount.trim() } : {}),
    ...(DECIMAL.test(search.invMin.trim()) ? { amountMin: search.invMin.trim() } : {}),
    ...(DECIMAL.test(search.invMax.trim()) ? { amountMax: search.invMax.trim() } : {}),
    ...(/^[A-Z]{3}$/.test(currency) ? { currency } : {}),
    ...(search.invNumber.trim() ? { number: search.invNumber.trim() } : {}),
    ...(search.invReason ? { hasReason: true } : {}),
    ...(search.invRule ? { rule: search.invRule } : {}),
  };
}
