import Decimal from "decimal.js";

/**
 * The one money formatter of the app (tables, PDF, XML, e-mail). Amounts are decimal strings as they come
 * from Postgres `numeric`; nothing here goes through a JS float.
 */

// Same table as the SQL function currency_exponent() in db/migrations/0001_invariants.sql.
const EXPONENT_0 = new Set([
  "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
]);
const EXPONENT_3 = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);
const EXPONENT_4 = new Set(["CLF", "UYW"]);

export const DEFAULT_LOCALE = "en";

/** ISO 4217 minor unit digits of a currency code. */
export function currencyExponent(code: string): number {
  const c = code.trim().toUpperCase();
  if (EXPONENT_0.has(c)) return 0;
  if (EXPONENT_3.has(c)) return 3;
  if (EXPONENT_4.has(c)) return 4;
  return 2;
}

/** Rounds half-up (away from zero) to the currency's minor unit; never "-0.00". */
export function roundToMinorUnit(amount: string | Decimal, currency: string): string {
  const d = toDecimal(amount);
  const fixed = d.toFixed(currencyExponent(currency), Decimal.ROUND_HALF_UP);
  return /^-0(\.0*)?$/.test(fixed) ? fixed.slice(1) : fixed;
}

/** Plain XML amount: "1234.50" with exactly the currency's minor unit digits. */
export function toXmlAmount(amount: string | Decimal, currency: string): string {
  return roundToMinorUnit(amount, currency);
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string): Intl.NumberFormat | null {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    const digits = currencyExponent(currency);
    try {
      f = new Intl.NumberFormat(locale, {
        style: "currency",
        currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
    } catch {
      return null;
    }
    formatters.set(key, f);
  }
  return f;
}

/**
 * Localized currency string, e.g. formatMoney("-1234.5", "EUR") → "-€1,234.50".
 * The amount is rounded exactly with decimal.js, then Intl formats the decimal *string* (Intl.NumberFormat
 * parses string input as an exact decimal, so 21-digit amounts keep every digit).
 */
export function formatMoney(amount: string | Decimal, currency: string, locale: string = DEFAULT_LOCALE): string {
  const code = currency.trim().toUpperCase();
  const rounded = roundToMinorUnit(amount, code);
  const f = formatterFor(code, locale);
  if (!f) return `${rounded} ${code}`;
  // The typings only allow number | bigint, but ES2023 Intl accepts decimal strings exactly.
  return f.format(rounded as unknown as number);
}

const decimalFormatters = new Map<string, Intl.NumberFormat>();

/** Formats a plain decimal (quantity, VAT rate) without trailing zeros, grouping per locale. */
export function formatDecimal(
  value: string | Decimal,
  locale: string = DEFAULT_LOCALE,
  maxFractionDigits = 6,
  minFractionDigits = 0,
): string {
  const d = toDecimal(value).toDecimalPlaces(maxFractionDigits, Decimal.ROUND_HALF_UP);
  const key = `${locale}|${maxFractionDigits}|${minFractionDigits}`;
  let f = decimalFormatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: maxFractionDigits, minimumFractionDigits: minFractionDigits });
    decimalFormatters.set(key, f);
  }
  return f.format(d.toFixed() as unknown as number);
}

/** A unit price: at least the currency's minor unit digits, up to 6 ("49.00", "0.0125"), no symbol. */
export function formatUnitPrice(value: string | Decimal, currency: string, locale: string = DEFAULT_LOCALE): string {
  const exp = currencyExponent(currency);
  return formatDecimal(value, locale, Math.max(6, exp), exp);
}

function toDecimal(amount: string | Decimal): Decimal {
  if (amount instanceof Decimal) return amount;
  const s = String(amount).trim();
  if (s === "" || !/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s)) {
    throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  }
  return new Decimal(s);
}

/** Exact sum of decimal strings. */
export function sumAmounts(amounts: Iterable<string | Decimal>): Decimal {
  let total = new Decimal(0);
  for (const a of amounts) total = total.plus(toDecimal(a));
  return total;
}

/** "-12.30" → "12.30", "5" → "-5": flips the sign and keeps the digits (and scale) as they are. */
export function negateAmount(amount: string): string {
  const s = amount.trim();
  if (toDecimal(s).isZero()) return s.replace(/^[-+]/, "");
  if (s.startsWith("-")) return s.slice(1);
  return `-${s.replace(/^\+/, "")}`;
}
