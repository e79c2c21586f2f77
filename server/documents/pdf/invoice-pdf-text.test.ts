import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { InvoiceDocument } from "../invoice-document";
import { sampleDocument, type SampleLine } from "../sample-documents";
import { renderInvoicePdf } from "./render-invoice-pdf";

/**
 * What a buyer's accountant reads: the fields of issue #18 point 3 found in the text of rendered PDFs (pdftotext, from
 * poppler-utils, installed in CI), in English, German and French. Whitespace is normalised: pdftotext lays text out in
 * columns.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "billrun-pdf-text-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function pdfText(doc: InvoiceDocument): Promise<string> {
  const file = path.join(tmp, `${doc.language}-${doc.type}-${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(file, await renderInvoicePdf(doc));
  // -raw: text in content order, so a label and its value stay together
  const text = execFileSync("pdftotext", ["-raw", file, "-"], { encoding: "utf8" });
  // labels are printed in capitals (text-transform): compared case-insensitively
  return text.replace(/[\s\u00a0\u202f]+/g, " ").toLowerCase();
}

const lines: SampleLine[] = [
  { description: "Pro plan", quantity: "1", unitPrice: "1000", periodStart: "2026-10-01", periodEnd: "2026-10-31" },
  { description: "Reference books", quantity: "2", unitPrice: "100", vatRate: "7", periodStart: "2026-10-15", periodEnd: "2026-10-15" },
  { description: "Consulting", quantity: "1", unitPrice: "500", vatCategory: "AE", periodStart: "2026-09-01", periodEnd: "2026-09-30" },
];

const invoice = (language: InvoiceDocument["language"]) =>
  sampleDocument({
    language,
    lines,
    memo: "Thank you for 2026.",
    customerNumber: "CUST-0042",
    buyerReference: "04011000-12345-67",
    purchaseOrderReference: "PO-778",
    buyer: { country: "FR", email: "ap@acme.example" },
  });

const creditNote = (language: InvoiceDocument["language"]) =>
  sampleDocument({ type: "CREDIT_NOTE", language, precedingInvoice: { number: "INV-2026-000100", issueDate: "2026-10-01" } });

describe("invoice PDF text", () => {
  it("pdftotext is installed (apt-get install -y poppler-utils)", () => {
    expect(() => execFileSync("pdftotext", ["-v"], { stdio: "ignore" })).not.toThrow();
  });

  it("an English invoice shows customer, references, period, VAT per rate, amount due, due date, memo and footer", async () => {
    const text = await pdfText(invoice("en"));
    for (const expected of [
      "Invoice",
      "No. INV-2026-000123",
      "Customer number CUST-0042",
      "E-mail ap@acme.example",
      "Your reference 04011000-12345-67",
      "Purchase order PO-778",
      "France", // the buyer's country by name, not "FR"
      "Invoice date 1 Nov 2026",
      "Service period 1 Sept – 31 Oct 2026",
      "Due date 1 Dec 2026",
      "Amount due €1,904.00",
      "VAT 19 % on €1,000.00 = €190.00",
      "VAT 7 % on €200.00 = €14.00",
      "Reverse charge: €500.00",
      "the recipient accounts for the VAT (Art. 196",
      "Total excl. VAT €1,700.00",
      "Please transfer €1,904.00 by 1 Dec 2026, quoting INV-2026-000123.",
      "Scan to pay with your banking app",
      "Note Thank you for 2026.",
      "Commercial register: Amtsgericht Berlin-Charlottenburg HRB 123456 B",
      "Managing directors: Erika Mustermann, Max Mustermann",
      "Friedrichstraße 123",
      "Page 1 of 1",
    ]) {
      expect(text).toContain(expected.toLowerCase());
    }
    expect(text).not.toContain("standard rate");
  });

  it("a German invoice says the same in German, with German dates and numbers", async () => {
    const text = await pdfText(invoice("de"));
    for (const expected of [
      "Rechnung",
      "Nr. INV-2026-000123",
      "Kundennummer CUST-0042",
      "Ihre Referenz 04011000-12345-67",
      "Bestellnummer PO-778",
      "Frankreich",
      "Rechnungsdatum 01.11.2026",
      "Leistungszeitraum 01.09. – 31.10.2026",
      "Fällig am 01.12.2026",
      "Zu zahlender Betrag 1.904,00 €",
      "USt. 19 % auf 1.000,00 € = 190,00 €",
      "USt. 7 % auf 200,00 € = 14,00 €",
      "Steuerschuldnerschaft des Leistungsempfängers: 500,00 €",
      "Mit Ihrer Banking-App scannen und bezahlen",
      "Handelsregister: Amtsgericht Berlin-Charlottenburg HRB 123456 B",
      "Geschäftsführung: Erika Mustermann, Max Mustermann",
      "Seite 1 von 1",
    ]) {
      expect(text).toContain(expected.toLowerCase());
    }
    expect(text).not.toMatch(/invoice|due date|nov 1/);
  });

  it("a credit note says what it credits and requests no payment (no due date, no QR code)", async () => {
    const en = await pdfText(creditNote("en"));
    for (const expected of ["Credit note for INV-2026-000100 of 1 Oct 2026", "No. CN-2026-000007", "Total credited €255.17", "No payment is due"]) {
      expect(en).toContain(expected.toLowerCase());
    }
    expect(en).not.toMatch(/due date|amount due|please transfer|scan to pay|iban/);

    const fr = await pdfText(creditNote("fr"));
    for (const expected of ["Avoir sur la facture INV-2026-000100 du 1 oct. 2026", "Total crédité 255,17 €", "TVA 19 % sur 214,43 € = 40,74 €", "Aucun paiement n'est dû"]) {
      expect(fr).toContain(expected.toLowerCase());
    }
    expect(fr).not.toMatch(/date d'échéance|montant dû|scannez/);
  });

  it("no QR code without a EUR bank transfer to request", async () => {
    const usd = await pdfText(sampleDocument({ currency: "USD" }));
    expect(usd).toContain("please transfer us$255.17");
    expect(usd).not.toContain("scan to pay");
    const draft = await pdfText(sampleDocument({ status: "DRAFT" }));
    expect(draft).toContain("please transfer €255.17");
    expect(draft).not.toContain("scan to pay");
  });

  it("the usage annex lists the items behind each usage line, then counts the rest, in the buyer's language", async () => {
    const items = (n: number, day: string) =>
      Array.from({ length: n }, (_, i) => ({ date: day, description: `API call batch ${i + 1}`, quantity: "1000", amount: "12.50" }));
    const doc = sampleDocument({ lines });
    const annex = { sections: [{ line: "Pro plan", items: items(2, "2026-10-03") }, { line: "Reference books", items: items(1, "2026-10-15") }], more: 1234 };
    const en = await pdfText({ ...doc, usageAnnex: annex });
    for (const expected of ["Usage details", "Pro plan Date Description Qty Amount", "3 Oct 2026 API call batch 1 1,000 €12.50", "API call batch 2", "15 Oct 2026 API call batch 1", "… and 1,234 more items", "Page 2 of 2"]) {
      expect(en).toContain(expected.toLowerCase());
    }
    const de = await pdfText({ ...doc, language: "de", usageAnnex: annex });
    for (const expected of ["Nutzungsdetails", "Datum", "03.10.2026 API call batch 1 1.000 12,50 €", "… und 1.234 weitere Positionen"]) {
      expect(de).toContain(expected.toLowerCase());
    }
    expect(await pdfText(doc)).not.toContain("usage details");
  });

  it("a foreign-currency invoice states its VAT in the seller's VAT accounting currency (BT-111), in the buyer's language", async () => {
    const doc = sampleDocument({ currency: "USD", vatAccounting: { currency: "EUR", rate: "0.92" } });
    const en = await pdfText(doc);
    expect(en).toContain("vat in eur (rate 0.92)");
    expect(en).toContain(`€${doc.vatAccounting!.taxTotal}`);
    expect(await pdfText({ ...doc, language: "de" })).toContain("ust. in eur (kurs 0.92)");
    expect(await pdfText(sampleDocument({ currency: "USD" }))).not.toContain("vat in eur");
  });
});
