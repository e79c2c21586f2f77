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

export const vatCategoryLabel = (category: VatCategoryCode) => VAT_CATEGORY_LABELS[category] ?? category;

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
