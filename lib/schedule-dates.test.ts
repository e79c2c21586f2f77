import { describe, expect, it } from "vitest";
import { latestDue, nextOccurrences, occurrenceIn, zonedTimeToInstant, type ScheduleTiming } from "./schedule-dates";

const berlin = (over: Partial<ScheduleTiming> = {}): ScheduleTiming => ({
  dayOfMonth: 1,
  timeOfDay: "06:00",
  timeZone: "Europe/Berlin",
  cutoffOffsetDays: 0,
  invoiceDateOffsetDays: 0,
  ...over,
});
const iso = (d: Date) => d.toISOString();

describe("schedule dates", () => {
  it("keeps the local time across a DST change (Berlin: 06:00 is 05:00Z in winter, 04:00Z in summer)", () => {
    const next = nextOccurrences(berlin({ dayOfMonth: 28 }), new Date("2027-02-01T00:00:00Z"), 3);
    expect(next.map((o) => iso(o.dueAt))).toEqual(["2027-02-28T05:00:00.000Z", "2027-03-28T04:00:00.000Z", "2027-04-28T04:00:00.000Z"]);
    // New York changes on another day (2027-03-14)
    const ny = nextOccurrences(berlin({ dayOfMonth: 14, timeZone: "America/New_York" }), new Date("2027-02-01T00:00:00Z"), 2);
    expect(ny.map((o) => iso(o.dueAt))).toEqual(["2027-02-14T11:00:00.000Z", "2027-03-14T10:00:00.000Z"]);
  });

  it("a skipped local time runs after the gap, a repeated one at its first occurrence", () => {
    // 2027-03-28 02:30 does not exist in Berlin (02:00 → 03:00): 03:30 CEST
    expect(iso(zonedTimeToInstant("Europe/Berlin", 2027, 3, 28, 2, 30))).toBe("2027-03-28T01:30:00.000Z");
    // 2026-10-25 02:30 happens twice (03:00 CEST → 02:00 CET): the first, CEST
    expect(iso(zonedTimeToInstant("Europe/Berlin", 2026, 10, 25, 2, 30))).toBe("2026-10-25T00:30:00.000Z");
  });

  it("day 31 runs on the last day of shorter months (and 29 February in a leap year)", () => {
    const next = nextOccurrences(berlin({ dayOfMonth: 31 }), new Date("2027-01-15T00:00:00Z"), 4);
    expect(next.map((o) => o.runDate)).toEqual(["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]);
    expect(occurrenceIn(berlin({ dayOfMonth: 30 }), "2028-02").runDate).toBe("2028-02-29");
  });

  it("cut-off and invoice dates are offsets of the run day, across month ends", () => {
    const o = occurrenceIn(berlin({ dayOfMonth: 31, cutoffOffsetDays: 1, invoiceDateOffsetDays: -2 }), "2027-02");
    expect(o).toMatchObject({ period: "2027-02", runDate: "2027-02-28", cutoffDate: "2027-03-01", invoiceDate: "2027-02-26" });
  });

  it("the latest due period: this month once its time has passed, else last month; never before the schedule started", () => {
    const s = berlin({ dayOfMonth: 5 });
    expect(latestDue(s, new Date("2027-03-05T04:59:00Z"), "2026-01")?.period).toBe("2027-02");
    expect(latestDue(s, new Date("2027-03-05T05:00:00Z"), "2026-01")?.period).toBe("2027-03");
    expect(latestDue(s, new Date("2027-03-05T04:59:00Z"), "2027-03")).toBeNull();
    // the local month decides: 23:30Z on 31 January is already February in Berlin
    expect(latestDue(berlin({ dayOfMonth: 1, timeOfDay: "00:15" }), new Date("2027-01-31T23:30:00Z"), "2026-01")?.period).toBe("2027-02");
  });
});
