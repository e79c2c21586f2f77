import { describe, expect, it } from "vitest";
import { VATEX_TEXTS } from "@/server/tax/tax-engine";
import { directiveArticle, exemptionReasonText } from "./vat-exemption-text";

const exempt = (exemptionReasonCode: string | null, exemptionReason: string | null) => ({ vatCategory: "E" as const, exemptionReasonCode, exemptionReason });

describe("the legal note of a VAT category without VAT, in the buyer's language", () => {
  it("writes an exemption the engine derived from a VATEX code in the document's language", () => {
    const engine = exempt("VATEX-EU-132-1I", VATEX_TEXTS["VATEX-EU-132-1I"]);
    expect(exemptionReasonText(engine, "de")).toBe("Steuerfrei nach Art. 132(1)(i) der MwSt-Systemrichtlinie 2006/112/EG.");
    expect(exemptionReasonText(engine, "fr")).toBe("Exonération de TVA, article 132(1)(i) de la directive 2006/112/CE.");
    expect(exemptionReasonText(engine, "en")).toBe("Exempt from VAT under Article 132(1)(i) of Council Directive 2006/112/EC.");
    // a code without a text of the engine's own: the engine stored the bare code as the reason
    expect(exemptionReasonText(exempt("VATEX-EU-143-1FA", "VATEX-EU-143-1FA"), "nl")).toBe("Vrijgesteld van btw op grond van artikel 143(1)(fa) van Richtlijn 2006/112/EG.");
    expect(exemptionReasonText(exempt("VATEX-EU-F", VATEX_TEXTS["VATEX-EU-F"]), "it")).toBe("Regime del margine – beni d'occasione");
  });

  it("keeps a reason the tenant wrote as written, and names the category when nothing else is known", () => {
    expect(exemptionReasonText(exempt("VATEX-EU-132", "Steuerfrei nach § 4 Nr. 21 UStG"), "en")).toBe("Steuerfrei nach § 4 Nr. 21 UStG");
    expect(exemptionReasonText(exempt(null, "Exonéré, art. 261-4-4° du CGI"), "de")).toBe("Exonéré, art. 261-4-4° du CGI");
    expect(exemptionReasonText(exempt("VATEX-FR-FRANCHISE", "VATEX-FR-FRANCHISE"), "es")).toBe("Exento de IVA");
    expect(exemptionReasonText(exempt(null, null), "es")).toBe("Exento de IVA");
  });

  it("uses the catalogue's text for the categories the tax determination decides, whatever was stored", () => {
    expect(exemptionReasonText({ vatCategory: "AE", exemptionReasonCode: "VATEX-EU-AE", exemptionReason: VATEX_TEXTS["VATEX-EU-AE"] }, "de")).toMatch(
      /^Steuerschuldnerschaft des Leistungsempfängers/,
    );
    expect(exemptionReasonText({ vatCategory: "S", exemptionReasonCode: null, exemptionReason: null }, "de")).toBeNull();
  });

  it("reads the directive's article from an EU VATEX code", () => {
    expect(directiveArticle("VATEX-EU-79-C")).toBe("79(c)");
    expect(directiveArticle("VATEX-EU-148-A")).toBe("148(a)");
    expect(directiveArticle("VATEX-EU-309")).toBe("309");
    expect(directiveArticle("VATEX-EU-AE")).toBeNull();
    expect(directiveArticle("VATEX-FR-FRANCHISE")).toBeNull();
  });
});
