import { formatDecimal, formatMoney, formatUnitPrice } from "@/lib/money";
import { documentText } from "./catalogue";
import { INTL_LOCALE, type DocumentLanguage } from "./languages";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const utcDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

export type DocumentFormat = {
  language: DocumentLanguage;
  locale: string;
  /** "2026-11-01" → "1 Nov 2026" / "01.11.2026" / "1 nov. 2026" … */
  date(isoDate: string): string;
  /** an inclusive period: "1–31 Oct 2026", "01.–31.10.2026"; one day is one date */
  period(start: string, end: string): string;
  money(amount: string, currency: string): string;
  unitPrice(amount: string, currency: string): string;
  decimal(value: string): string;
  /** "19 %", "7,5 %" */
  rate(rate: string): string;
  /** "FR" → "France" / "Frankreich"; unknown codes stay as they are */
  country(code: string): string;
};

const formats = new Map<DocumentLanguage, DocumentFormat>();

/** Formatting of dates, periods, amounts and country names for documents in a language (Intl, cached per language). */
export function documentFormat(language: DocumentLanguage): DocumentFormat {
  let format = formats.get(language);
  if (!format) {
    format = createFormat(language);
    formats.set(language, format);
  }
  return format;
}

function createFormat(language: DocumentLanguage): DocumentFormat {
  const locale = INTL_LOCALE[language];
  // calendar dates: formatted in UTC so they never shift a day
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const regions = new Intl.DisplayNames([locale], { type: "region", fallback: "code" });
  const date = (iso: string) => (ISO_DATE.test(iso) ? dates.format(utcDate(iso)) : iso);
  return {
    language,
    locale,
    date,
    period(start, end) {
      if (start === end || !ISO_DATE.test(start) || !ISO_DATE.test(end)) return start === end ? date(start) : `${date(start)} – ${date(end)}`;
      return dates.formatRange(utcDate(start), utcDate(end));
    },
    money: (amount, currency) => formatMoney(amount, currency, locale),
    unitPrice: (amount, currency) => formatUnitPrice(amount, currency, locale),
    decimal: (value) => formatDecimal(value, locale),
    rate: (rate) => documentText(language, "vat.rate", { rate: formatDecimal(rate, locale, 2) }),
    country(code) {
      const cc = code.trim().toUpperCase();
      if (!/^[A-Z]{2}$/.test(cc)) return code;
      try {
        return regions.of(cc) ?? cc;
      } catch {
        return cc;
      }
    },
  };
}
