import { describe, expect, it } from "vitest";
import { sampleDocument } from "@/server/documents/sample-documents";
import { DomainError } from "@/server/errors";
import { buildUblXml } from "./build-ubl";
import { en16931CurrencyProblem } from "./en16931-currency";

describe("EN 16931 and currencies with more than 2 decimals", () => {
  it("names the problem for 3- and 4-decimal currencies only", () => {
    for (const c of ["EUR", "USD", "JPY", "KRW"]) expect(en16931CurrencyProblem(c)).toBeNull();
    for (const c of ["KWD", "BHD", "OMR", "JOD", "TND"]) {
      expect(en16931CurrencyProblem(c)).toBe(`${c} amounts have 3 decimals, but EN 16931 (Peppol BIS Billing 3.0) allows at most 2`);
    }
    expect(en16931CurrencyProblem("clf")).toMatch(/^CLF amounts have 4 decimals/);
  });

  it("buildUblXml refuses such an invoice with PRECONDITION_FAILED and builds the others", () => {
    expect(buildUblXml(sampleDocument({ currency: "EUR", number: "INV-1" }))).toContain("<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>");
    const refused = (() => {
      try {
        buildUblXml(sampleDocument({ currency: "KWD", number: "INV-2" }));
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "No UBL XML for invoice INV-2: KWD amounts have 3 decimals, but EN 16931 (Peppol BIS Billing 3.0) allows at most 2. Its PDF is available.",
    });
  });
});
