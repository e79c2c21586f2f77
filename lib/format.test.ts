import { describe, expect, it } from "vitest";
import { formatDateTime, formatTime } from "./format";

describe("formatTime / formatDateTime", () => {
  // Node's ICU renders hour12: false after midnight as "24:45:28", browsers as "00:45:28": a hydration error.
  const afterMidnight = new Date(2026, 11, 7, 0, 45, 28); // local time, as the formatter uses the viewer's zone

  it("shows the first hour of the day as 00", () => {
    expect(formatTime(afterMidnight)).toBe("00:45:28");
    expect(formatDateTime(afterMidnight)).toContain("00:45:28");
    expect(formatDateTime(afterMidnight)).not.toContain("24:");
  });

  it("keeps the 24-hour clock for the rest of the day", () => {
    expect(formatTime(new Date(2026, 11, 7, 23, 59, 59))).toBe("23:59:59");
    expect(formatTime(new Date(2026, 11, 7, 12, 0, 0))).toBe("12:00:00");
  });
});
