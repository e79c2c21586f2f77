import { describe, expect, it } from "vitest";
import { sampleDocument } from "../sample-documents";
import {
  PEPPOL_CUSTOMIZATION_ID as CUSTOMIZATION_ID,
  PEPPOL_PROFILE_ID as PROFILE_ID,
  XRECHNUNG_CUSTOMIZATION_ID,
} from "../einvoice/einvoice-model";
import { buildCiiXml } from "../cii/build-cii";
import { buildUblXml } from "./build-ubl";
import { escapeXml } from "./xml-writer";

const tagOrder = (xml: string, tags: string[]) =>
  tags.map((t) => xml.indexOf(t));

describe("buildUblXml", () => {
  it("writes a UBL Invoice with the Peppol BIS 3 identifiers in XSD order", () => {
    const xml = buildUblXml(sampleDocument());
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/,
    );
    expect(xml).toContain(
      `<cbc:CustomizationID>${CUSTOMIZATION_ID}</cbc:CustomizationID>`,
    );
    expect(xml).toContain(`<cbc:ProfileID>${PROFILE_ID}</cbc:ProfileID>`);
    const positions = tagOrder(xml, [
      "<cbc:ID>INV-2026-000123",
      "<cbc:IssueDate>",
      "<cbc:DueDate>",
      "<cbc:InvoiceTypeCode>380",
      "<cbc:DocumentCurrencyCode>",
      "<cac:AccountingSupplierParty>",
      "<cac:AccountingCustomerParty>",
      "<cac:PaymentMeans>",
      "<cac:PaymentTerms>",
      "<cac:TaxTotal>",
      "<cac:LegalMonetaryTotal>",
      "<cac:InvoiceLine>",
    ]);
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("writes amounts with currencyID and exactly the minor unit digits", () => {
    const xml = buildUblXml(sampleDocument());
    expect(xml).toContain(
      '<cbc:LineExtensionAmount currencyID="EUR">214.43</cbc:LineExtensionAmount>',
    );
    expect(xml).toContain(
      '<cbc:TaxAmount currencyID="EUR">40.74</cbc:TaxAmount>',
    );
    expect(xml).toContain(
      '<cbc:PayableAmount currencyID="EUR">255.17</cbc:PayableAmount>',
    );
    expect(xml).toContain(
      '<cbc:PriceAmount currencyID="EUR">0.0125</cbc:PriceAmount>',
    );
    const jpy = buildUblXml(
      sampleDocument({
        currency: "JPY",
        lines: [{ description: "x", quantity: "3", unitPrice: "1980" }],
      }),
    );
    expect(jpy).toContain(
      '<cbc:PayableAmount currencyID="JPY">7069</cbc:PayableAmount>',
    );
  });

  it("states a correction's reason and the memo as the document note (BT-22), in the buyer's language", () => {
    const doc = sampleDocument({
      type: "CREDIT_NOTE",
      precedingInvoice: { number: "INV-2026-000100", issueDate: "2026-10-01" },
      creditReason: "Licence facturée deux fois",
      memo: "Merci",
      language: "fr",
    });
    expect(buildUblXml(doc)).toContain("<cbc:Note>Motif : Licence facturée deux fois\nMerci</cbc:Note>");
    expect(buildCiiXml(doc)).toContain("<ram:Content>Motif : Licence facturée deux fois\nMerci</ram:Content>");
    expect(buildUblXml(sampleDocument())).not.toMatch(/<\/cbc:InvoiceTypeCode>\s*<cbc:Note>/); // only PaymentTerms has one
  });

  it("writes a CreditNote with positive amounts and CreditedQuantity", () => {
    const xml = buildUblXml(sampleDocument({ type: "CREDIT_NOTE" }));
    expect(xml).toContain("<CreditNote xmlns=");
    expect(xml).toContain(
      "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
    );
    expect(xml).toContain("<cac:CreditNoteLine>");
    expect(xml).toContain('<cbc:CreditedQuantity unitCode="C62">');
    expect(xml).not.toContain("<cbc:DueDate>");
    expect(xml).not.toMatch(/currencyID="EUR">-/);
  });

  it("gives a negative line a positive price and a negative quantity (BR-27)", () => {
    const xml = buildUblXml(
      sampleDocument({
        lines: [
          { description: "Refund", quantity: "1", unitPrice: "-10" },
          { description: "Plan", quantity: "1", unitPrice: "30" },
        ],
      }),
    );
    expect(xml).toContain(
      '<cbc:InvoicedQuantity unitCode="C62">-1</cbc:InvoicedQuantity>',
    );
    expect(xml).toContain(
      '<cbc:LineExtensionAmount currencyID="EUR">-10.00</cbc:LineExtensionAmount>',
    );
    expect(xml).toContain(
      '<cbc:PriceAmount currencyID="EUR">10</cbc:PriceAmount>',
    );
  });

  it("refuses drafts (no e-invoice before posting) and escapes text", () => {
    expect(() => buildUblXml(sampleDocument({ status: "DRAFT" }))).toThrow(
      /only posted documents have one/,
    );
    expect(() => buildUblXml(sampleDocument({ status: "REJECTED" }))).toThrow(
      /rejected invoice/,
    );
    const xml = buildUblXml(
      sampleDocument({ buyer: { name: `A & B <"x"> 'y'\u0001` } }),
    );
    expect(xml).toContain(
      "<cbc:Name>A &amp; B &lt;&quot;x&quot;&gt; &apos;y&apos;</cbc:Name>",
    );
    expect(escapeXml("Zoë Łódź Ольга")).toBe("Zoë Łódź Ольга");
  });

  it("writes the generated texts (BT-120 exemption reasons, BT-82 payment means) in the buyer's language, from the catalogue", () => {
    const reverseCharge = (language: "en" | "de") =>
      sampleDocument({
        language,
        lines: [{ description: "x", quantity: "1", unitPrice: "5", vatCategory: "AE", vatRate: "0" }],
        exemptionReasons: { AE: "Reverse charge — Article 196 of Council Directive 2006/112/EC" },
      });
    const en = buildUblXml(reverseCharge("en"));
    const de = buildUblXml(reverseCharge("de"));
    expect(en).toContain("<cbc:TaxExemptionReason>Reverse charge: the recipient accounts for the VAT (Art. 196 Council Directive 2006/112/EC).</cbc:TaxExemptionReason>");
    expect(en).toContain('<cbc:PaymentMeansCode name="Credit transfer">30</cbc:PaymentMeansCode>');
    expect(de).toContain("<cbc:TaxExemptionReason>Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwSt-Systemrichtlinie 2006/112/EG).</cbc:TaxExemptionReason>");
    expect(de).toContain('<cbc:PaymentMeansCode name="Überweisung">30</cbc:PaymentMeansCode>');
    expect(de).not.toContain("Reverse charge —");
    const cii = buildCiiXml(reverseCharge("de"));
    expect(cii).toContain("<ram:ExemptionReason>Steuerschuldnerschaft des Leistungsempfängers");
    // an exemption keeps the reason the tenant gave its charge; without one, the category's name in the language
    const exempt = (language: "en" | "de", reason?: string) =>
      buildUblXml(
        sampleDocument({
          language,
          lines: [{ description: "x", quantity: "1", unitPrice: "5", vatCategory: "E", vatRate: "0" }],
          ...(reason ? { exemptionReasons: { E: reason } } : {}),
        }),
      );
    expect(exempt("de", "Heilbehandlung § 4 Nr. 14 UStG")).toContain("<cbc:TaxExemptionReason>Heilbehandlung § 4 Nr. 14 UStG</cbc:TaxExemptionReason>");
    expect(exempt("de")).toContain("<cbc:TaxExemptionReason>Steuerfrei</cbc:TaxExemptionReason>");
    expect(exempt("en")).toContain("<cbc:TaxExemptionReason>Exempt from VAT</cbc:TaxExemptionReason>");
  });

  it("carries exemption reasons only for exempt categories and no VAT ids for category O", () => {
    const ae = buildUblXml(
      sampleDocument({
        lines: [
          {
            description: "x",
            quantity: "1",
            unitPrice: "5",
            vatCategory: "AE",
            vatRate: "0",
          },
        ],
      }),
    );
    expect(ae).toContain(
      "<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>",
    );
    const s = buildUblXml(sampleDocument());
    expect(s).not.toContain("TaxExemptionReason");
    const o = buildUblXml(
      sampleDocument({
        lines: [
          {
            description: "x",
            quantity: "1",
            unitPrice: "5",
            vatCategory: "O",
            vatRate: "0",
          },
        ],
      }),
    );
    expect(o).not.toContain("<cac:PartyTaxScheme>");
    // no rate on the line (BR-O-05); 0 in the breakdown (XRechnung BR-DE-14)
    expect(o.match(/<cbc:Percent>/g)).toHaveLength(1);
  });

  it("states buyer reference, order reference, the preceding invoice and the VAT total in the accounting currency", () => {
    const xml = buildUblXml(
      sampleDocument({
        type: "CREDIT_NOTE",
        buyerReference: "04011000-12345-03",
        purchaseOrderReference: "PO-9",
        currency: "USD",
        vatAccounting: { currency: "EUR", rate: "0.5" },
        precedingInvoice: {
          number: "INV-2026-000100",
          issueDate: "2026-10-01",
        },
      }),
    );
    const positions = tagOrder(xml, [
      "<cbc:TaxCurrencyCode>EUR",
      "<cbc:BuyerReference>04011000-12345-03",
      "<cac:OrderReference>",
      "<cac:BillingReference>",
    ]);
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(xml).toMatch(/<cac:InvoiceDocumentReference>\s*<cbc:ID>INV-2026-000100<\/cbc:ID>\s*<cbc:IssueDate>2026-10-01<\/cbc:IssueDate>/);
    expect(xml).toContain(
      '<cbc:TaxAmount currencyID="EUR">20.37</cbc:TaxAmount>',
    );
  });

  it("a credit note requests no payment: no terms, no IBAN; refund instructions only where the rules demand them", () => {
    const peppol = buildUblXml(sampleDocument({ type: "CREDIT_NOTE" }));
    expect(peppol).not.toContain("<cac:PaymentMeans>");
    expect(peppol).not.toContain("<cac:PaymentTerms>");
    expect(peppol).not.toContain("DE89370400440532013000");
    const xr = buildUblXml(
      sampleDocument({ type: "CREDIT_NOTE" }),
      "XRECHNUNG",
    );
    expect(xr).toContain(
      `<cbc:CustomizationID>${XRECHNUNG_CUSTOMIZATION_ID}</cbc:CustomizationID>`,
    );
    expect(xr).toContain(
      '<cbc:PaymentMeansCode name="Refund">1</cbc:PaymentMeansCode>',
    );
    expect(xr).not.toContain("DE89370400440532013000");
  });

  it("takes the seller endpoint from the configured registered address only (no e-mail fallback)", () => {
    const xml = buildUblXml(
      sampleDocument({
        seller: { electronicAddress: null, electronicAddressScheme: null },
      }),
    );
    expect(xml.match(/<cbc:EndpointID/g)).toHaveLength(1);
    expect(xml).not.toContain('schemeID="EM"');
  });
});
