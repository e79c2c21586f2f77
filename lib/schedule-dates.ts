import { addDays, addMonths, format, getDaysInMonth } from "date-fns";

// When a billing schedule runs: once per calendar month ("period", YYYY-MM) on its day of month (the month's last day
// when the month is shorter) at its time of day, in the tenant's time zone. Pure functions, shared by the scheduler and
// the dashboard's preview. Time zones through Intl (the runtime's tz database); a local time that does not exist (the
// hour skipped when clocks go forward) runs at the same wall-clock distance after the gap, a repeated one (clocks go
// back) at its first occurrence.

export type ScheduleTiming = {
  dayOfMonth: number;
  timeOfDay: string; // HH:MM
  timeZone: string;
  cutoffOffsetDays: number;
  invoiceDateOffsetDays: number;
};

export type ScheduledOccurrence = {
  period: string; // YYYY-MM
  dueAt: Date;
  /** the local calendar day it runs on (YYYY-MM-DD) */
  runDate: string;
  cutoffDate: string;
  invoiceDate: string;
};

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClock(timeZone: string, instant: number) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

/** The zone's offset from UTC at `instant`, in ms (Berlin in summer: +2 h). */
function offsetAt(timeZone: string, instant: number): number {
  const w = wallClock(timeZone, instant);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock time of `timeZone` denotes (see the header for skipped and repeated times). */
export function zonedTimeToInstant(timeZone: string, year: number, month: number, day: number, hour: number, minute: number): Date {
  const local = Date.UTC(year, month - 1, day, hour, minute);
  const before = offsetAt(timeZone, local - 86_400_000);
  const after = offsetAt(timeZone, local + 86_400_000);
  const valid = [before, after].map((o) => local - o).filter((t) => offsetAt(timeZone, t) === local - t);
  if (valid.length) return new Date(Math.min(...valid));
  return new Date(local - before); // in the gap: the offset before it carries the time past the gap
}

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

const periodOf = (year: number, month: number) => `${year}-${String(month).padStart(2, "0")}`;
const parsePeriod = (period: string) => ({ year: Number(period.slice(0, 4)), month: Number(period.slice(5, 7)) });
const shiftPeriod = (period: string, months: number) => {
  const d = addMonths(new Date(Date.UTC(parsePeriod(period).year, parsePeriod(period).month - 1, 1, 12)), months);
  return periodOf(d.getUTCFullYear(), d.getUTCMonth() + 1);
};
const dayString = (year: number, month: number, day: number, plusDays = 0) => format(addDays(new Date(year, month - 1, day, 12), plusDays), "yyyy-MM-dd");

/** The schedule's occurrence in `period`: due instant, run date, cut-off and invoice dates. */
export function occurrenceIn(s: ScheduleTiming, period: string): ScheduledOccurrence {
  const { year, month } = parsePeriod(period);
  const day = Math.min(s.dayOfMonth, getDaysInMonth(new Date(year, month - 1, 1, 12)));
  const [hour, minute] = s.timeOfDay.split(":").map(Number);
  return {
    period,
    dueAt: zonedTimeToInstant(s.timeZone, year, month, day, hour, minute),
    runDate: dayString(year, month, day),
    cutoffDate: dayString(year, month, day, s.cutoffOffsetDays),
    invoiceDate: dayString(year, month, day, s.invoiceDateOffsetDays),
  };
}

/** The period `now` falls in, in the schedule's time zone. */
export function periodAt(timeZone: string, now: Date): string {
  const w = wallClock(timeZone, now.getTime());
  return periodOf(w.year, w.month);
}

/** The most recent occurrence due at `now` (on or after `startsPeriod`), or null: what a scheduler must have created. */
export function latestDue(s: ScheduleTiming, now: Date, startsPeriod: string): ScheduledOccurrence | null {
  const current = periodAt(s.timeZone, now);
  const here = occurrenceIn(s, current);
  const due = here.dueAt <= now ? here : occurrenceIn(s, shiftPeriod(current, -1));
  return due.period >= startsPeriod ? due : null;
}

/** The next `count` occurrences due after `now` (and not before `startsPeriod`). */
export function nextOccurrences(s: ScheduleTiming, now: Date, count = 3, startsPeriod?: string): ScheduledOccurrence[] {
  let period = shiftPeriod(periodAt(s.timeZone, now), -1);
  if (startsPeriod && startsPeriod > period) period = startsPeriod;
  const out: ScheduledOccurrence[] = [];
  while (out.length < count) {
    const o = occurrenceIn(s, period);
    if (o.dueAt > now) out.push(o);
    period = shiftPeriod(period, 1);
  }
  return out;
}
