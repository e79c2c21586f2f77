import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  einvoiceFilesFound,
  einvoiceSkipReason,
  examplesDir,
  loadEn16931Sef,
  validateEn16931,
  validateUblXsd,
} from "@/tests/support/einvoice";
import type { InvoiceDocument } from "../invoice-document";
import { sampleDocument } from "../sample-documents";
import { buildUblXml } from "./build-ubl";

// Slow: the first run compiles the EN 16931 XSLT to SEF (~30 s, cached in node_modules/.cache/billrun).
if (!einvoiceFilesFound) console.warn(`[ubl-validation] SKIPPED: ${einvoiceSkipReason}`);

const cases: Array<[string, InvoiceDocument]> = [
  ["a standard invoice", sampleDocument()],
  ["a credit note", sampleDocument({ type: "CREDIT_NOTE" })],
  [
    "an invoice with several VAT rates",
    sampleDocument({
      lines: [
        { description: "Books", quantity: "3", unitPrice: "12.99", vatRate: "7" },
        { description: "Software licence", quantity: "2", unitPrice: "99.95", vatRate: "19" },
        { description: "Newspapers", quantity: "10", unitPrice: "1.333", vatRate: "5.5" },
        { description: "Refund of overcharge", quantity: "1", unitPrice: "-10.00", vatRate: "19" },
      ],
    }),
  ],
  [
    "a reverse-charge invoice (AE)",
    sampleDocument({
      lines: [{ description: "Consulting — reverse charge", quantity: "8", unitPrice: "120", vatCategory: "AE", vatRate: "0" }],
      exemptionReasons: { AE: "Reverse charge — Article 196 Directive 2006/112/EC" },
    }),
  ],
  ["a zero-rated invoice (Z)", sampleDocument({ lines: [{ description: "Printed matter", quantity: "5", unitPrice: "4.20", vatCategory: "Z", vatRate: "0" }] })],
  [
    "an exempt invoice (E)",
    sampleDocument({
      lines: [{ description: "Medical training", quantity: "1", unitPrice: "300", vatCategory: "E", vatRate: "0" }],
      exemptionReasons: { E: "Exempt under Article 132(1)(i) Directive 2006/112/EC" },
    }),
  ],
  [
    "an intra-community supply (K)",
    sampleDocument({ lines: [{ description: "Hardware", quantity: "2", unitPrice: "250", vatCategory: "K", vatRate: "0" }] }),
  ],
  ["an export (G)", sampleDocument({ lines: [{ description: "Export goods", quantity: "1", unitPrice: "999.99", vatCategory: "G", vatRate: "0" }] })],
  [
    "a not-subject-to-VAT invoice (O)",
    sampleDocument({ lines: [{ description: "Membership fee", quantity: "1", unitPrice: "75", vatCategory: "O", vatRate: "0" }] }),
  ],
  ["a JPY invoice (no minor unit)", sampleDocument({ currency: "JPY", lines: [{ description: "Plan", quantity: "3", unitPrice: "1980" }] })],
  [
    "a buyer without an electronic address and hostile characters",
    sampleDocument({ buyer: { name: `Ольга & "Ελλάδα" <Ltd>`, electronicAddress: null, electronicAddressScheme: null, email: "olga@example.gr" } }),
  ],
];

describe.skipIf(!einvoiceFilesFound)("UBL output against the UBL 2.1 XSD and the EN 16931 rules", () => {
  beforeAll(async () => {
    await loadEn16931Sef();
  }, 180_000);

  it("the official examples pass both checks (the validators work)", async () => {
    for (const name of ["ubl-tc434-example1.xml", "ubl-tc434-creditnote1.xml", "BIS3_Invoice_positive.XML"]) {
      const xml = fs.readFileSync(path.join(examplesDir, name), "utf8");
      const root = xml.includes("<CreditNote") ? "CreditNote" : "Invoice";
      expect((await validateUblXsd(xml, root)).errors, name).toEqual([]);
      expect(await validateEn16931(xml), name).toEqual([]);
    }
  }, 120_000);

  it.each(cases)("%s is valid", async (_name, doc) => {
    const xml = buildUblXml(doc);
    const xsd = await validateUblXsd(xml, doc.type === "CREDIT_NOTE" ? "CreditNote" : "Invoice");
    expect(xsd.errors).toEqual([]);
    expect(xsd.valid).toBe(true);
    expect(await validateEn16931(xml)).toEqual([]);
  }, 60_000);

  it("a document whose PayableAmount was changed fails the rules", async () => {
    const xml = buildUblXml(sampleDocument()).replace(
      /<cbc:PayableAmount currencyID="EUR">[^<]*</,
      '<cbc:PayableAmount currencyID="EUR">1.00<',
    );
    expect((await validateUblXsd(xml, "Invoice")).valid).toBe(true);
    const findings = await validateEn16931(xml);
    expect(findings.length).toBeGreaterThanOrEqual(1);
    expect(findings.map((f) => f.id)).toContain("BR-CO-16");
  }, 60_000);

  it("inconsistent totals fail the rules, and a root mismatch fails the XSD", async () => {
    const doc = sampleDocument();
    const broken = buildUblXml({ ...doc, netTotal: "1.00" });
    expect((await validateEn16931(broken)).length).toBeGreaterThan(0);
    const cn = buildUblXml(sampleDocument({ type: "CREDIT_NOTE" }));
    expect((await validateUblXsd(cn, "Invoice")).valid).toBe(false);
  }, 60_000);
});
