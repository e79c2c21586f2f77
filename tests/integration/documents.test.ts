import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadInvoiceDocument } from "@/server/documents/invoice-document";
import { buildUblXml } from "@/server/documents/ubl/build-ubl";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";

let database: TestDatabase;
const ids = {
  run: "00000000-0000-4000-8000-000000000001",
  account: "00000000-0000-4000-8000-000000000002",
  charge: "00000000-0000-4000-8000-000000000003",
  invoice: "00000000-0000-4000-8000-000000000004",
  credit: "00000000-0000-4000-8000-000000000005",
  account2: "00000000-0000-4000-8000-000000000006",
};

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  await db.execute(sql`INSERT INTO organization (id, name, slug) VALUES ('t1', 'T1', 't1'), ('t2', 'T2', 't2')`);
  await db.execute(sql`INSERT INTO tenant_profiles (tenant_id, legal_name, address_line, city, postal_code, country, vat_id, iban, email,
      electronic_address_scheme, electronic_address)
    VALUES ('t1', 'Seller SARL', '1 rue de la Paix', 'Paris', '75002', 'FR', 'FR12345678901', 'FR7630006000011234567890189', 'billing@seller.example',
      '0009', '12345678900011')`);
  await db.execute(sql`INSERT INTO billing_runs (id, tenant_id, number, type, invoice_date, cutoff_date, description)
    VALUES (${ids.run}, 't1', 1, 'EXCEPTIONAL', '2026-11-30', '2026-11-30', 'test run')`);
  await db.execute(sql`INSERT INTO customer_accounts (id, tenant_id, external_id, name, currency)
    VALUES (${ids.account}, 't1', 'acc-1', 'Zoë Ångström', 'EUR'), (${ids.account2}, 't1', 'acc-2', 'Ольга', 'EUR')`);
  await db.execute(sql`INSERT INTO charges (id, tenant_id, code, label, type, vat_rate) VALUES (${ids.charge}, 't1', 'PLAN', 'Plan', 'RECURRING', 20)`);
  const buyer = (name: string) => JSON.stringify({ name, addressLine: "Kungsgatan 1", city: "Stockholm", postalCode: "111 43", country: "SE", vatId: "SE556677889901", electronicAddressScheme: "0007", electronicAddress: "5566778899" });
  await db.execute(sql`INSERT INTO invoices (id, tenant_id, billing_run_id, origin_run_id, account_id, type, status, currency, invoice_date, due_date, net_total, tax_total, gross_total, lines_count, buyer)
    VALUES (${ids.invoice}, 't1', ${ids.run}, ${ids.run}, ${ids.account}, 'INVOICE', 'DRAFT', 'EUR', '2026-11-30', '2026-12-30', 150.50, 30.10, 180.60, 2, ${buyer("Zoë Ångström")}::jsonb),
           (${ids.credit}, 't1', ${ids.run}, ${ids.run}, ${ids.account2}, 'CREDIT_NOTE', 'DRAFT', 'EUR', '2026-11-30', '2026-12-30', -40.00, -8.00, -48.00, 1, ${buyer("Ольга")}::jsonb)`);
  await db.execute(sql`INSERT INTO invoice_lines (tenant_id, billing_run_id, account_id, charge_id, description, quantity, unit_price, amount, currency, vat_category, vat_rate, period_start, period_end, items_count)
    VALUES ('t1', ${ids.run}, ${ids.account}, ${ids.charge}, 'Plan', 1, 100.50, 100.50, 'EUR', 'S', 20, '2026-11-01', '2026-11-30', 1),
           ('t1', ${ids.run}, ${ids.account}, ${ids.charge}, 'Usage', 1000, 0.05, 50.00, 'EUR', 'S', 20, '2026-11-01', '2026-11-30', 3),
           ('t1', ${ids.run}, ${ids.account2}, ${ids.charge}, 'Refund', 1, -40, -40.00, 'EUR', 'S', 20, '2026-11-01', '2026-11-30', 1)`);
  await db.execute(sql`INSERT INTO invoice_tax_subtotals (invoice_id, tenant_id, vat_category, vat_rate, taxable_amount, tax_amount)
    VALUES (${ids.invoice}, 't1', 'S', 20, 150.50, 30.10), (${ids.credit}, 't1', 'S', 20, -40.00, -8.00)`);
});
afterAll(() => database?.close());

describe("loadInvoiceDocument", () => {
  it("reads an invoice with its lines, VAT breakdown, seller and buyer as exact strings", async () => {
    const doc = await loadInvoiceDocument(database.db, "t1", ids.invoice);
    expect(doc).not.toBeNull();
    expect(doc!).toMatchObject({ type: "INVOICE", status: "DRAFT", number: null, currency: "EUR", invoiceDate: "2026-11-30", dueDate: "2026-12-30" });
    expect([doc!.netTotal, doc!.taxTotal, doc!.grossTotal]).toEqual(["150.50", "30.10", "180.60"]);
    expect(doc!.lines.map((l) => [l.description, l.quantity, l.unitPrice, l.amount, l.vatRate])).toEqual([
      ["Plan", "1", "100.50", "100.50", "20.00"],
      ["Usage", "1000", "0.05", "50.00", "20.00"],
    ]);
    expect(doc!.vatBreakdown).toEqual([{ vatCategory: "S", vatRate: "20.00", taxableAmount: "150.50", taxAmount: "30.10", exemptionReason: null, exemptionReasonCode: null }]);
    expect(doc!.seller).toMatchObject({ legalName: "Seller SARL", country: "FR", electronicAddressScheme: "0009", electronicAddress: "12345678900011" });
    expect(doc!.buyer).toMatchObject({ name: "Zoë Ångström", electronicAddressScheme: "0007" });
    expect(() => buildUblXml(doc!)).toThrow(/only posted documents have one/);
    expect(buildUblXml({ ...doc!, status: "POSTED", number: "INV-1" })).toContain('<cbc:PayableAmount currencyID="EUR">180.60</cbc:PayableAmount>');
  });

  it("shows a credit note with positive amounts", async () => {
    const doc = await loadInvoiceDocument(database.db, "t1", ids.credit);
    expect([doc!.netTotal, doc!.taxTotal, doc!.grossTotal]).toEqual(["40.00", "8.00", "48.00"]);
    expect(doc!.lines[0]).toMatchObject({ amount: "40.00", unitPrice: "40" });
  });

  it("answers null for another tenant's invoice", async () => {
    expect(await loadInvoiceDocument(database.db, "t2", ids.invoice)).toBeNull();
  });
});
