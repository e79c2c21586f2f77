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

/**
 * Intl writes thin spaces around range dashes ("1 – 31 Oct") and narrow no-break spaces in French amounts
 * ("1 234,50 €"). The PDF's font (Geist) has glyphs for neither, so react-pdf laid them out in the fallback font and
 * subset and embedded DejaVu Sans and DejaVu Sans Bold in every PDF for that one character. A plain space
 * (breakable, like the thin space) and a no-break space (like the narrow one) read the same.
 */
const fontSafeSpaces = (text: string) => text.replace(/\u2009/g, " ").replace(/\u202f/g, "\u00a0");

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
  const date = (iso: string) => (ISO_DATE.test(iso) ? fontSafeSpaces(dates.format(utcDate(iso))) : iso);
  return {
    language,
    locale,
    date,
    period(start, end) {
      if (start === end || !ISO_DATE.test(start) || !ISO_DATE.test(end)) return start === end ? date(start) : `${date(start)} – ${date(end)}`;
      return fontSafeSpaces(dates.formatRange(utcDate(start), utcDate(end)));
    },
    money: (amount, currency) => fontSafeSpaces(formatMoney(amount, currency, locale)),
    unitPrice: (amount, currency) => fontSafeSpaces(formatUnitPrice(amount, currency, locale)),
    decimal: (value) => fontSafeSpaces(formatDecimal(value, locale)),
    rate: (rate) => fontSafeSpaces(documentText(language, "vat.rate", { rate: formatDecimal(rate, locale, 2) })),
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
