import { describe, expect, it } from "vitest";
import { deriveSellerEndpoint, documentFileName, toInvoiceDocument } from "./invoice-document";

const header = {
  id: "11111111-1111-1111-1111-111111111111",
  type: "CREDIT_NOTE" as const,
  status: "POSTED" as const,
  number: "CN-2026-000001",
  currency: "EUR",
  invoice_date: "2026-11-01",
  due_date: "2026-12-01",
  net_total: "-100.00",
  tax_total: "-19.00",
  gross_total: "-119.00",
  buyer: { name: "Zoë", country: "FR" },
  origin_run_id: "r",
  account_id: "a",
  legal_name: "Seller",
  address_line: "Street 1",
  city: "Paris",
  postal_code: "75001",
  country: "FR",
  vat_id: "FR12345678901",
  iban: null,
  bic: null,
  payment_terms: "30 days",
  email: "billing@seller.example",
  trade_register: null,
  managing_directors: null,
  logo_data_uri: null,
  language: "fr",
  customer_number: "C-7",
  memo: null,
};

describe("toInvoiceDocument", () => {
  it("shows credit notes with positive amounts (EN 16931 convention)", () => {
    const doc = toInvoiceDocument(
      header,
      [{ description: "Refund", quantity: "1", unit_price: "-100.00", amount: "-100.00", vat_category: "S", vat_rate: "19.00", period_start: "2026-10-01", period_end: "2026-10-31" }],
      [{ vat_category: "S", vat_rate: "19.00", taxable_amount: "-100.00", tax_amount: "-19.00", exemption_reason: null }],
    );
    expect([doc.netTotal, doc.taxTotal, doc.grossTotal]).toEqual(["100.00", "19.00", "119.00"]);
    expect(doc.lines[0]).toMatchObject({ amount: "100.00", unitPrice: "100.00", quantity: "1" });
    expect(doc.vatBreakdown[0]).toMatchObject({ taxableAmount: "100.00", taxAmount: "19.00" });
    expect(doc.buyer).toMatchObject({ name: "Zoë", country: "FR", vatId: null, electronicAddress: null });
    expect(doc.seller).toMatchObject({ electronicAddressScheme: "9957", electronicAddress: "FR12345678901" });
  });

  it("keeps invoice amounts as stored", () => {
    const doc = toInvoiceDocument({ ...header, type: "INVOICE", net_total: "100.00" }, [], []);
    expect(doc.netTotal).toBe("100.00");
  });

  it("writes the document in the account's language, in English when the stored one is not a document language", () => {
    expect(toInvoiceDocument(header, [], [])).toMatchObject({ language: "fr", customerNumber: "C-7" });
    expect(toInvoiceDocument({ ...header, language: "pt" }, [], []).language).toBe("en");
  });
});

describe("helpers", () => {
  it("derives the seller endpoint from the VAT id, else the e-mail", () => {
    expect(deriveSellerEndpoint("a@b.c", "DE123", "DE")).toEqual({ scheme: "9930", id: "DE123" });
    expect(deriveSellerEndpoint("a@b.c", "US123", "US")).toEqual({ scheme: "EM", id: "a@b.c" });
    expect(deriveSellerEndpoint(null, null, null)).toBeNull();
  });
  it("names files by number, drafts by id", () => {
    expect(documentFileName({ id: "x", status: "POSTED", number: "INV/2026/1" }, "pdf")).toBe("INV_2026_1.pdf");
    expect(documentFileName({ id: "abc", status: "DRAFT", number: null }, "xml")).toBe("DRAFT-abc.xml");
  });
});
