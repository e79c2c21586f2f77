import Decimal from "decimal.js";
import { EU_VAT_RATES, shippedVatRate } from "@/server/tax/eu-vat-data";
import type { VatCategoryCode } from "./invoice-document";

const VAT_CATEGORY_LABELS: Record<VatCategoryCode, string> = {
  S: "Standard rate",
  Z: "Zero rated",
  E: "Exempt",
  AE: "Reverse charge",
  K: "Intra-community supply",
  G: "Export outside the EU",
  O: "Not subject to VAT",
  L: "Canary Islands IGIC",
  M: "Ceuta and Melilla IPSI",
};

/**
 * "Standard rate", "Reduced rate", "Reverse charge", …: an S rate is standard when it is the standard rate of one of
 * the countries whose VAT applies (the seller's, or the buyer's under OSS); without countries, when it is the standard
 * rate of any member state.
 */
export function vatCategoryLabel(category: VatCategoryCode, rate?: string, countries?: (string | null)[], onDate?: string): string {
  if (category === "S" && rate !== undefined && !isStandardRate(rate, countries, onDate)) return "Reduced rate";
  return VAT_CATEGORY_LABELS[category] ?? category;
}

function isStandardRate(rate: string, countries: (string | null)[] | undefined, onDate = new Date().toISOString().slice(0, 10)): boolean {
  const candidates = countries?.filter((c): c is string => !!c).length
    ? countries.filter((c): c is string => !!c)
    : EU_VAT_RATES.map(([country]) => country);
  const value = new Decimal(rate);
  return candidates.some((c) => {
    const standard = shippedVatRate(c, "STANDARD", onDate);
    return standard !== null && value.equals(standard);
  });
}

/**
 * One VAT breakdown row's text: the label, and the exemption reason unless it already says the same
 * ("Reverse charge — Article 196 …" once, not "Reverse charge — Reverse charge — …").
 */
export function vatBreakdownText(
  row: { vatCategory: VatCategoryCode; vatRate: string; exemptionReason: string | null },
  countries?: (string | null)[],
  onDate?: string,
): string {
  const label = vatCategoryLabel(row.vatCategory, row.vatRate, countries, onDate);
  const reason = row.exemptionReason?.trim();
  if (!reason) return label;
  return reason.toLowerCase().startsWith(label.toLowerCase()) ? reason : `${label} — ${reason}`;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** "2026-11-01" → "1 Nov 2026" (en-GB) etc.; a calendar date, so formatted in UTC to never shift a day. */
export function formatDocumentDate(isoDate: string, locale = "en"): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return isoDate;
  let f = dateFormatters.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
    dateFormatters.set(locale, f);
  }
  return f.format(new Date(`${isoDate}T00:00:00Z`));
}
