import { describe, expect, it } from "vitest";
import { approvalPolicyInput } from "./review-inputs";

// The ABOVE policy's thresholds per currency: each one named by its path (grossAbove.USD) with the reason.
const issues = (grossAbove: unknown, extra: Record<string, unknown> = {}) =>
  (approvalPolicyInput.safeParse({ mode: "ABOVE", grossAbove, ...extra }).error?.issues ?? []).map((i) => [i.path.join("."), i.message]);

describe("approval thresholds per currency", () => {
  it("accepts a positive amount with at most the currency's decimals, kept as written", () => {
    const parsed = approvalPolicyInput.parse({ mode: "ABOVE", grossAbove: { EUR: "50000.00", USD: "60000.5", JPY: "7000000", KWD: "1500.125" } });
    expect(parsed.grossAbove).toEqual({ EUR: "50000.00", USD: "60000.5", JPY: "7000000", KWD: "1500.125" });
  });

  it("names the currency of every bad threshold", () => {
    expect(issues({ EUR: "50000.00", USD: "10.001" })).toEqual([["grossAbove.USD", "has more than 2 decimals (USD has 2)"]]);
    expect(issues({ JPY: "100.5" })).toEqual([["grossAbove.JPY", "must be a whole amount (JPY has no decimals)"]]);
    expect(issues({ EUR: "0.00" })).toEqual([["grossAbove.EUR", "must be greater than 0"]]);
    expect(issues({ EUR: "-5" })[0]).toEqual(["grossAbove.EUR", 'must be a decimal string such as "50000.00", not "-5"']);
    expect(issues({ EUR: "1e5" })[0][0]).toBe("grossAbove.EUR");
    expect(issues({ EUR: 50000 })[0][0]).toBe("grossAbove.EUR");
    expect(issues({ usd: "5" })).toEqual([["grossAbove.usd", 'must be an ISO 4217 code in capitals: "USD", not "usd"']]);
    expect(issues({ XXX: "5" })[0][0]).toBe("grossAbove.XXX");
  });

  it("refuses the single number of before 0025 with what to send instead; ABOVE needs a threshold or a count", () => {
    expect(issues("50000")).toEqual([["grossAbove", expect.stringMatching(/^must be an object of gross totals per currency, e.g. \{"EUR": "50000.00"/)]]);
    expect(issues({})).toEqual([["grossAbove", "ABOVE needs a gross total in at least one currency or an invoice count (or both)"]]);
    expect(issues({}, { invoiceCountAbove: 10 })).toEqual([]);
    expect(approvalPolicyInput.safeParse({ mode: "ALWAYS" }).success).toBe(true);
  });
});
