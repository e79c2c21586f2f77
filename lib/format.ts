import { DEFAULT_LOCALE } from "@/lib/money";

// Dates and counts for the dashboard; money goes through formatMoney in lib/money.ts.

const dateFormat = new Intl.DateTimeFormat(DEFAULT_LOCALE, { year: "numeric", month: "short", day: "2-digit", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat(DEFAULT_LOCALE, {
  year: "numeric",
  month: "short",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23", // not hour12: false, which Node formats as 24:45:28 and browsers as 00:45:28 (a hydration mismatch)
});
const timeFormat = new Intl.DateTimeFormat(DEFAULT_LOCALE, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
const integerFormat = new Intl.NumberFormat(DEFAULT_LOCALE);
const percentFormat = new Intl.NumberFormat(DEFAULT_LOCALE, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" });

/** A calendar date ("2026-11-30", stored without time zone) → "Nov 30, 2026". */
export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return "—";
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return dateFormat.format(new Date(`${value}T00:00:00Z`));
  const d = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? String(value) : dateFormat.format(d);
}

/** An instant in the viewer's time zone. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return "—";
  const d = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? String(value) : dateTimeFormat.format(d);
}

export function formatTime(value: string | Date | null | undefined): string {
  if (!value) return "—";
  const d = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? String(value) : timeFormat.format(d);
}

export function formatCount(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  return integerFormat.format(typeof value === "string" ? Number(value) : value);
}

/** 0.123 → "+12.3%" */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  return percentFormat.format(ratio);
}

/** Milliseconds between two instants as "1m 05s" / "3.2s"; running jobs measure up to now. */
export function formatDuration(start: string | Date, end?: string | Date | null): string {
  const from = new Date(start).getTime();
  const to = end ? new Date(end).getTime() : Date.now();
  const ms = Math.max(0, to - from);
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** "CREATING_INVOICES" → "Creating invoices" */
export function humanize(value: string): string {
  const s = value.replace(/_/g, " ").toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "1 invoice", "3 invoices" (English plural with -s). */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
