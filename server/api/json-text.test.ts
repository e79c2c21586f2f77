import { describe, expect, it } from "vitest";
import { isCalendarDate } from "@/lib/billing-inputs";
import { assertStorableJson } from "./json-text";

describe("assertStorableJson", () => {
  const check = (raw: string) => () => assertStorableJson(JSON.parse(raw), raw);

  it("refuses NUL and lone surrogates sent as escapes, with the field's path", () => {
    expect(check('{"items":[{"d":"ok"},{"d":"a\\u0000b"}]}')).toThrow(/items\.1\.d: must not contain NUL/);
    expect(check('{"items":[{"d":"\\uD800"}]}')).toThrow(/items\.0\.d/);
    expect(check('{"\\u0000key":1}')).toThrow(/must not contain NUL/);
  });

  it("accepts ordinary text, paired surrogates and an escaped backslash before u0000", () => {
    expect(check('{"d":"emoji \\ud83d\\udca9 Zoë"}')).not.toThrow();
    expect(check('{"d":"C:\\\\u0000 is a path"}')).not.toThrow();
  });
});

describe("isCalendarDate", () => {
  it("knows month lengths and leap years", () => {
    for (const ok of ["2026-01-31", "2024-02-29", "2000-02-29", "2026-12-31"]) expect(isCalendarDate(ok)).toBe(true);
    for (const bad of ["2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01"]) {
      expect(isCalendarDate(bad)).toBe(false);
    }
  });
});
