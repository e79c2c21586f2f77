import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { currencyExponent, formatDecimal, formatMoney, formatUnitPrice, negateAmount, roundToMinorUnit, sumAmounts, toXmlAmount } from "./money";

describe("currencyExponent", () => {
  it("follows ISO 4217 like the SQL currency_exponent()", () => {
    for (const c of ["JPY", "KRW", "CLP", "ISK", "VND", "XAF", "XOF", "XPF"]) expect(currencyExponent(c)).toBe(0);
    for (const c of ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]) expect(currencyExponent(c)).toBe(3);
    for (const c of ["EUR", "USD", "GBP", "CHF", "SEK"]) expect(currencyExponent(c)).toBe(2);
    expect(currencyExponent("CLF")).toBe(4);
    expect(currencyExponent("jpy")).toBe(0);
  });
});

describe("toXmlAmount", () => {
  it("writes exactly the minor unit digits, rounding half-up away from zero", () => {
    expect(toXmlAmount("1234.5", "EUR")).toBe("1234.50");
    expect(toXmlAmount("2.345", "EUR")).toBe("2.35");
    expect(toXmlAmount("-2.345", "EUR")).toBe("-2.35");
    expect(toXmlAmount("1500", "JPY")).toBe("1500");
    expect(toXmlAmount("1500.5", "JPY")).toBe("1501");
    expect(toXmlAmount("1.2", "KWD")).toBe("1.200");
    expect(toXmlAmount("0", "EUR")).toBe("0.00");
  });
  it("never writes a negative zero", () => {
    expect(toXmlAmount("-0", "EUR")).toBe("0.00");
    expect(toXmlAmount("-0.001", "EUR")).toBe("0.00");
    expect(roundToMinorUnit("-0.4", "JPY")).toBe("0");
  });
  it("keeps every digit of very large amounts", () => {
    expect(toXmlAmount("123456789012345678901234.565", "EUR")).toBe("123456789012345678901234.57");
    expect(toXmlAmount("9007199254740993.01", "USD")).toBe("9007199254740993.01");
  });
  it("refuses what is not a decimal", () => {
    expect(() => toXmlAmount("12,50", "EUR")).toThrow(/not a decimal/);
    expect(() => toXmlAmount("", "EUR")).toThrow(/not a decimal/);
    expect(() => toXmlAmount("NaN", "EUR")).toThrow(/not a decimal/);
  });
});

describe("formatMoney", () => {
  it("formats with the currency symbol and its minor unit", () => {
    expect(formatMoney("1234.5", "EUR", "en")).toBe("€1,234.50");
    expect(formatMoney("-1234.5", "USD", "en-US")).toBe("-$1,234.50");
    expect(formatMoney("1234567", "JPY", "en")).toBe("¥1,234,567");
    expect(formatMoney("1.2345", "BHD", "en")).toMatch(/1\.235$/);
  });
  it("follows the locale's grouping and decimal separators", () => {
    expect(formatMoney("1234.5", "EUR", "de-DE")).toBe("1.234,50\u00a0€");
    expect(formatMoney("1234.5", "EUR", "fr-FR")).toMatch(/^1\u202f234,50\u00a0€$/);
  });
  it("is exact for amounts beyond float precision", () => {
    expect(formatMoney("9007199254740993.01", "EUR", "en")).toBe("€9,007,199,254,740,993.01");
    expect(formatMoney("123456789012345678901.125", "EUR", "en")).toBe("€123,456,789,012,345,678,901.13");
  });
  it("takes a Decimal and never shows -0", () => {
    expect(formatMoney(new Decimal("0.1").plus("0.2"), "EUR", "en")).toBe("€0.30");
    expect(formatMoney("-0.001", "EUR", "en")).toBe("€0.00");
  });
  it("falls back to plain text for a malformed currency code", () => {
    expect(formatMoney("1.5", "EURO", "en")).toBe("1.50 EURO");
  });
});

describe("helpers", () => {
  it("sums and negates exactly", () => {
    expect(sumAmounts(["0.1", "0.2", "-0.3"]).toFixed()).toBe("0");
    expect(sumAmounts(["9007199254740993.01", "0.01"]).toFixed()).toBe("9007199254740993.02");
    expect(negateAmount("-12.30")).toBe("12.30");
    expect(negateAmount("5")).toBe("-5");
    expect(negateAmount("-0.00")).toBe("0.00");
    expect(negateAmount("0")).toBe("0");
  });
  it("formats decimals without trailing zeros", () => {
    expect(formatDecimal("20.00")).toBe("20");
    expect(formatDecimal("1234.5000", "en")).toBe("1,234.5");
  });
});

describe("formatUnitPrice", () => {
  it("shows at least the minor unit and keeps sub-cent prices", () => {
    expect(formatUnitPrice("49", "EUR", "en")).toBe("49.00");
    expect(formatUnitPrice("0.0125", "EUR", "en")).toBe("0.0125");
    expect(formatUnitPrice("1200", "JPY", "en")).toBe("1,200");
    expect(formatUnitPrice("1.5", "KWD", "de-DE")).toBe("1,500");
  });
});
