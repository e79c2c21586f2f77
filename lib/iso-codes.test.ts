import { describe, expect, it } from "vitest";
import { countryProblem, currencyProblem, FUND_CODES, ISO_3166_COUNTRIES, ISO_4217_CURRENCIES, NON_CURRENCIES, WITHDRAWN_CURRENCIES } from "./iso-codes";

describe("ISO 4217 currencies", () => {
  it("differs from the runtime's ICU list only where ICU keeps withdrawn or non-currency codes, or lacks a new one", () => {
    const icu = new Set(Intl.supportedValuesOf("currency"));
    // ICU 78 (Node 20) still lists withdrawn codes and two units of account, and lacks VED (Venezuela, 2021)
    expect([...icu].filter((c) => !ISO_4217_CURRENCIES.has(c)).sort()).toEqual(["ANG", "BGN", "CUC", "HRK", "SLL", "XDR", "XSU", "ZWL"]);
    expect([...ISO_4217_CURRENCIES].filter((c) => !icu.has(c))).toEqual(["VED"]);
    for (const code of ["XDR", "XSU"]) expect(NON_CURRENCIES[code]).toBeDefined();
    for (const code of ["ANG", "BGN", "CUC", "HRK", "SLL", "ZWL"]) expect(ISO_4217_CURRENCIES.has(WITHDRAWN_CURRENCIES[code])).toBe(true);
    for (const code of Object.values(FUND_CODES)) expect(ISO_4217_CURRENCIES.has(code)).toBe(true);
  });

  it("says why a code is refused", () => {
    expect(currencyProblem("EUR")).toBeNull();
    expect(currencyProblem("ZZZ")).toBe('"ZZZ" is not an active ISO 4217 currency code');
    expect(currencyProblem("XXX")).toMatch(/not a currency: .*no currency/);
    expect(currencyProblem("XTS")).toMatch(/reserved for testing/);
    expect(currencyProblem("XAU")).toMatch(/gold/);
    expect(currencyProblem("CLF")).toMatch(/fund code .*use CLP/);
    expect(currencyProblem("HRK")).toMatch(/withdrawn .*use EUR/);
    expect(currencyProblem("eur")).toMatch(/in capitals: "EUR"/);
    expect(currencyProblem("EURO")).toMatch(/three capital letters/);
  });
});

describe("ISO 3166-1 alpha-2 countries", () => {
  it("lists the 249 assigned codes, each a region the runtime can name", () => {
    expect(ISO_3166_COUNTRIES.size).toBe(249);
    const names = new Intl.DisplayNames("en", { type: "region", fallback: "none" });
    for (const code of ISO_3166_COUNTRIES) expect(names.of(code), code).toBeTruthy();
    // ICU also names reserved and user-assigned codes: those are refused
    for (const code of ["UK", "EU", "XK", "ZZ", "AN", "YU", "QO"]) {
      expect(names.of(code), code).toBeTruthy();
      expect(countryProblem(code), code).toMatch(/not an assigned ISO 3166-1/);
    }
    expect(countryProblem("UK")).toMatch(/use GB/);
    expect(countryProblem("de")).toMatch(/in capitals: "DE"/);
    expect(countryProblem("DE")).toBeNull();
  });
});
