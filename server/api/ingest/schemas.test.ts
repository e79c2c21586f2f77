import { describe, expect, it } from "vitest";
import { amountProblem, decimalString } from "./schemas";

describe("rated item amount rule", () => {
  it.each([
    ["3", "0.10", "0.30", "EUR"],
    ["3", "0.0125", "0.0375", "EUR"], // exact product, sub-cent
    ["3", "0.0125", "0.04", "EUR"], // rounded half-up to the cent
    ["30000", "0.333333", "10000.00", "EUR"], // a tier's average price to 6 decimals
    ["-5", "1", "-5", "EUR"],
    ["5", "-1", "-5.00", "EUR"],
    ["0", "12", "0", "EUR"],
    ["3", "333.5", "1000", "JPY"], // 1000.5 rounded to yen
    ["1", "1.2345", "1.235", "KWD"],
  ])("accepts %s × %s = %s %s", (q, p, a, c) => expect(amountProblem(q, p, a, c)).toBeNull());

  it.each([
    ["-5", "1", "5", "EUR", /wrong sign: .*-5 × 1 = -5 is negative but the amount 5 is positive/],
    ["1", "0.001", "-0.001", "EUR", /wrong sign/],
    ["3", "0.10", "0.31", "EUR", /must equal quantity × unitPrice = 3 × 0.10 = 0.3 within 0.0050015 EUR/],
    ["3", "0.0125", "0.05", "EUR", /within 0.0050015 EUR/],
    ["3", "333.5", "1002", "JPY", /within 0.5000015 JPY/],
    ["1", "1.2345", "1.24", "KWD", /within 0.0005005 KWD/],
  ])("refuses %s × %s = %s %s", (q, p, a, c, message) => expect(amountProblem(q, p, a, c)).toMatch(message));

  it("normalizes -0 to 0", () => {
    expect(decimalString.parse("-0")).toBe("0");
    expect(decimalString.parse("-0.000")).toBe("0.000");
    expect(decimalString.parse("-0.5")).toBe("-0.5");
  });
});
