import { describe, expect, it } from "vitest";
import { documentFileName, toInvoiceDocument } from "./invoice-document";

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
  contact_name: "Claire",
  contact_phone: "+33 1 23 45 67 89",
  contact_email: null,
  electronic_address_scheme: "0009",
  electronic_address: "12345678900011",
  vat_currency: null,
  vat_rate: null,
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
      [{ description: "Refund", quantity: "1", unit_price: "-100.00", amount: "-100.00", vat_category: "S", vat_rate: "19.00", period_start: "2026-10-01", period_end: "2026-10-31", vat_exemption_code: null, kind: "CREDIT", item_description: null }],
      [{ vat_category: "S", vat_rate: "19.00", taxable_amount: "-100.00", tax_amount: "-19.00", exemption_reason: null, exemption_reason_code: null }],
    );
    expect([doc.netTotal, doc.taxTotal, doc.grossTotal]).toEqual(["100.00", "19.00", "119.00"]);
    expect(doc.lines[0]).toMatchObject({ amount: "100.00", unitPrice: "100.00", quantity: "1" });
    expect(doc.vatBreakdown[0]).toMatchObject({ taxableAmount: "100.00", taxAmount: "19.00" });
    expect(doc.buyer).toMatchObject({ name: "Zoë", country: "FR", vatId: null, electronicAddress: null });
    // the seller's endpoint is its configured registered address, never derived (no "EM" fallback)
    expect(doc.seller).toMatchObject({ electronicAddressScheme: "0009", electronicAddress: "12345678900011", contactName: "Claire" });
    expect(doc.vatAccounting).toBeNull();
  });

  it("keeps invoice amounts as stored", () => {
    const doc = toInvoiceDocument({ ...header, type: "INVOICE", net_total: "100.00" }, [], []);
    expect(doc.netTotal).toBe("100.00");
  });

  it("states the VAT total in the VAT accounting currency at the tenant's rate (BT-111), rounded half-up", () => {
    const doc = toInvoiceDocument({ ...header, type: "INVOICE", currency: "USD", tax_total: "190.00", vat_currency: "EUR", vat_rate: "0.92145" }, [], []);
    expect(doc.vatAccounting).toEqual({ currency: "EUR", rate: "0.92145", taxTotal: "175.08" });
  });

  it("takes buyer reference, purchase order and e-invoice format from the invoice's snapshot", () => {
    const doc = toInvoiceDocument(
      { ...header, buyer: { name: "B", buyerReference: "04011000-1", purchaseOrderReference: "PO-7", einvoiceFormat: "XRECHNUNG" } },
      [],
      [],
    );
    expect(doc).toMatchObject({ buyerReference: "04011000-1", purchaseOrderReference: "PO-7", einvoiceFormat: "XRECHNUNG" });
  });

  it("writes the document in the account's language, in English when the stored one is not a document language", () => {
    expect(toInvoiceDocument(header, [], [])).toMatchObject({ language: "fr", customerNumber: "C-7" });
    expect(toInvoiceDocument({ ...header, language: "pt" }, [], []).language).toBe("en");
  });
});

describe("helpers", () => {
  it("names files by number, drafts by id", () => {
    expect(documentFileName({ id: "x", status: "POSTED", number: "INV/2026/1" }, "pdf")).toBe("INV_2026_1.pdf");
    expect(documentFileName({ id: "abc", status: "DRAFT", number: null }, "xml")).toBe("DRAFT-abc.xml");
  });
});
