import { describe, expect, it } from "vitest";
import { sampleDocument } from "../sample-documents";
import { buildUblXml, CUSTOMIZATION_ID, PROFILE_ID } from "./build-ubl";
import { escapeXml } from "./xml-writer";

const tagOrder = (xml: string, tags: string[]) => tags.map((t) => xml.indexOf(t));

describe("buildUblXml", () => {
  it("writes a UBL Invoice with the Peppol BIS 3 identifiers in XSD order", () => {
    const xml = buildUblXml(sampleDocument());
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/);
    expect(xml).toContain(`<cbc:CustomizationID>${CUSTOMIZATION_ID}</cbc:CustomizationID>`);
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
    expect(xml).toContain('<cbc:LineExtensionAmount currencyID="EUR">214.43</cbc:LineExtensionAmount>');
    expect(xml).toContain('<cbc:TaxAmount currencyID="EUR">40.74</cbc:TaxAmount>');
    expect(xml).toContain('<cbc:PayableAmount currencyID="EUR">255.17</cbc:PayableAmount>');
    expect(xml).toContain('<cbc:PriceAmount currencyID="EUR">0.0125</cbc:PriceAmount>');
    const jpy = buildUblXml(sampleDocument({ currency: "JPY", lines: [{ description: "x", quantity: "3", unitPrice: "1980" }] }));
    expect(jpy).toContain('<cbc:PayableAmount currencyID="JPY">7069</cbc:PayableAmount>');
  });

  it("writes a CreditNote with positive amounts and CreditedQuantity", () => {
    const xml = buildUblXml(sampleDocument({ type: "CREDIT_NOTE" }));
    expect(xml).toContain("<CreditNote xmlns=");
    expect(xml).toContain("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>");
    expect(xml).toContain("<cac:CreditNoteLine>");
    expect(xml).toContain('<cbc:CreditedQuantity unitCode="C62">');
    expect(xml).not.toContain("<cbc:DueDate>");
    expect(xml).not.toMatch(/currencyID="EUR">-/);
  });

  it("gives a negative line a positive price and a negative quantity (BR-27)", () => {
    const xml = buildUblXml(sampleDocument({ lines: [{ description: "Refund", quantity: "1", unitPrice: "-10" }, { description: "Plan", quantity: "1", unitPrice: "30" }] }));
    expect(xml).toContain('<cbc:InvoicedQuantity unitCode="C62">-1</cbc:InvoicedQuantity>');
    expect(xml).toContain('<cbc:LineExtensionAmount currencyID="EUR">-10.00</cbc:LineExtensionAmount>');
    expect(xml).toContain('<cbc:PriceAmount currencyID="EUR">10</cbc:PriceAmount>');
  });

  it("marks drafts and escapes text", () => {
    const xml = buildUblXml(sampleDocument({ status: "DRAFT", buyer: { name: `A & B <"x"> 'y'\u0001` } }));
    expect(xml).toContain("<cbc:ID>DRAFT-5f0c6b1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f</cbc:ID>");
    expect(xml).toContain("<cbc:Name>A &amp; B &lt;&quot;x&quot;&gt; &apos;y&apos;</cbc:Name>");
    expect(escapeXml("Zoë Łódź Ольга")).toBe("Zoë Łódź Ольга");
  });

  it("carries exemption reasons only for exempt categories and no VAT ids for category O", () => {
    const ae = buildUblXml(sampleDocument({ lines: [{ description: "x", quantity: "1", unitPrice: "5", vatCategory: "AE", vatRate: "0" }] }));
    expect(ae).toContain("<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>");
    const s = buildUblXml(sampleDocument());
    expect(s).not.toContain("TaxExemptionReason");
    const o = buildUblXml(sampleDocument({ lines: [{ description: "x", quantity: "1", unitPrice: "5", vatCategory: "O", vatRate: "0" }] }));
    expect(o).not.toContain("<cac:PartyTaxScheme>");
    expect(o).not.toContain("<cbc:Percent>");
  });
});
