import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveInvoiceMemoInput } from "@/lib/billing-inputs";
import { saveInvoiceMemo } from "@/server/billing/invoice-memo";
import { loadInvoiceDocument } from "@/server/documents/invoice-document";
import { renderInvoicePdf } from "@/server/documents/pdf/render-invoice-pdf";
import { invoiceEmailSubject } from "@/server/notifications/templates/invoice-email";
import { LOGO_MAX_BYTES, documentProfileInput, getDocumentProfile, logoInput, saveDocumentProfile, uploadLogo } from "@/server/tenants/document-profile";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";

const SYSTEM = { type: "SYSTEM" } as const;

// Documents in the buyer's language, the seller's document profile (footer, logo) and memos, against the database.
let database: TestDatabase;
const ids = {
  run: "00000000-0000-4000-8000-0000000000a1",
  accountDefault: "00000000-0000-4000-8000-0000000000a2",
  accountFr: "00000000-0000-4000-8000-0000000000a3",
  charge: "00000000-0000-4000-8000-0000000000a4",
  invoiceDefault: "00000000-0000-4000-8000-0000000000a5",
  invoiceFr: "00000000-0000-4000-8000-0000000000a6",
};
/** The check constraint a statement violated (drizzle wraps the driver's error). */
async function violatedConstraint(statement: Promise<unknown>): Promise<string | undefined> {
  try {
    await statement;
  } catch (error) {
    const cause = (error as { cause?: { constraint?: string; message?: string } }).cause;
    return cause?.constraint ?? /constraint "([^"]+)"/.exec(cause?.message ?? "")?.[1];
  }
  return undefined;
}

// a 1×1 PNG
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  await db.execute(sql`INSERT INTO organization (id, name, slug) VALUES ('t1', 'T1', 't1'), ('t2', 'T2', 't2')`);
  await db.execute(sql`INSERT INTO tenant_profiles (tenant_id, legal_name, address_line, city, postal_code, country, vat_id, iban, email)
    VALUES ('t1', 'Seller GmbH', 'Hauptstraße 1', 'Berlin', '10115', 'DE', 'DE123456789', 'DE89370400440532013000', 'billing@seller.example'),
           ('t2', 'Other GmbH', 'Hauptstraße 2', 'Berlin', '10115', 'DE', 'DE987654321', NULL, NULL)`);
  await db.execute(sql`INSERT INTO billing_runs (id, tenant_id, number, type, invoice_date, cutoff_date, description, memo)
    VALUES (${ids.run}, 't1', 1, 'EXCEPTIONAL', '2026-11-30', '2026-11-30', 'test run', 'Happy holidays from all of us.')`);
  await db.execute(sql`INSERT INTO customer_accounts (id, tenant_id, external_id, name, currency, language)
    VALUES (${ids.accountDefault}, 't1', 'CUST-1', 'Muster AG', 'EUR', NULL), (${ids.accountFr}, 't1', 'CUST-2', 'Dupont SA', 'EUR', 'fr')`);
  await db.execute(sql`INSERT INTO charges (id, tenant_id, code, label, type, vat_rate) VALUES (${ids.charge}, 't1', 'PLAN', 'Plan', 'RECURRING', 19)`);
  const buyer = (name: string, country: string) => JSON.stringify({ name, country, email: "ap@buyer.example" });
  await db.execute(sql`INSERT INTO invoices (id, tenant_id, billing_run_id, origin_run_id, account_id, type, status, currency, invoice_date, due_date, net_total, tax_total, gross_total, lines_count, buyer)
    VALUES (${ids.invoiceDefault}, 't1', ${ids.run}, ${ids.run}, ${ids.accountDefault}, 'INVOICE', 'DRAFT', 'EUR', '2026-11-30', '2026-12-30', 100, 19, 119, 1, ${buyer("Muster AG", "DE")}::jsonb),
           (${ids.invoiceFr}, 't1', ${ids.run}, ${ids.run}, ${ids.accountFr}, 'INVOICE', 'DRAFT', 'EUR', '2026-11-30', '2026-12-30', 100, 19, 119, 1, ${buyer("Dupont SA", "FR")}::jsonb)`);
  await db.execute(sql`INSERT INTO invoice_lines (tenant_id, billing_run_id, account_id, charge_id, description, quantity, unit_price, amount, currency, vat_category, vat_rate, period_start, period_end, items_count)
    VALUES ('t1', ${ids.run}, ${ids.accountDefault}, ${ids.charge}, 'Plan', 1, 100, 100, 'EUR', 'S', 19, '2026-11-01', '2026-11-30', 1),
           ('t1', ${ids.run}, ${ids.accountFr}, ${ids.charge}, 'Plan', 1, 100, 100, 'EUR', 'S', 19, '2026-11-01', '2026-11-30', 1)`);
});
afterAll(() => database?.close());

describe("documents in the buyer's language", () => {
  it("an account without a language gets the tenant's default; an account's own language wins", async () => {
    const db = database.db;
    expect((await loadInvoiceDocument(db, "t1", ids.invoiceDefault))!.language).toBe("en");
    await saveDocumentProfile(db, "t1", documentProfileInput.parse({ tradeRegister: "Amtsgericht Berlin HRB 1", managingDirectors: "Erika Muster", defaultLanguage: "de" }), SYSTEM);
    const de = (await loadInvoiceDocument(db, "t1", ids.invoiceDefault))!;
    expect(de).toMatchObject({ language: "de", customerNumber: "CUST-1", memo: "Happy holidays from all of us." });
    expect(de.seller).toMatchObject({ tradeRegister: "Amtsgericht Berlin HRB 1", managingDirectors: "Erika Muster", logo: null });
    expect(invoiceEmailSubject(de)).toBe("Rechnung (Entwurf) von Seller GmbH");
    expect((await loadInvoiceDocument(db, "t1", ids.invoiceFr))!.language).toBe("fr");
  });

  it("the database accepts only the document languages", async () => {
    expect(await violatedConstraint(database.db.execute(sql`UPDATE customer_accounts SET language = 'pt' WHERE id = ${ids.accountFr}`))).toBe(
      "customer_accounts_language_check",
    );
    expect(await violatedConstraint(database.db.execute(sql`UPDATE tenant_profiles SET default_language = 'de-CH' WHERE tenant_id = 't1'`))).toBe(
      "tenant_profiles_default_language_check",
    );
    expect(documentProfileInput.safeParse({ tradeRegister: null, managingDirectors: null, defaultLanguage: "pt" }).error?.issues[0].message).toBe(
      "must be one of en, de, fr, es, it, nl",
    );
  });
});

describe("invoice memo", () => {
  it("is printed after the run's memo and can be changed until the invoice is posted", async () => {
    const db = database.db;
    await saveInvoiceMemo(db, "t1", saveInvoiceMemoInput.parse({ id: ids.invoiceFr, memo: "  PO agreed on 3 Nov.  " }), { type: "SYSTEM" });
    expect((await loadInvoiceDocument(db, "t1", ids.invoiceFr))!.memo).toBe("Happy holidays from all of us.\n\nPO agreed on 3 Nov.");
    await expect(saveInvoiceMemo(db, "t2", { id: ids.invoiceFr, memo: "x" }, { type: "SYSTEM" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await db.execute(sql`UPDATE invoices SET status = 'POSTED', number = 'INV-2026-000001', posted_at = now() WHERE id = ${ids.invoiceFr}`);
    await expect(saveInvoiceMemo(db, "t1", { id: ids.invoiceFr, memo: "too late" }, { type: "SYSTEM" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "invoice INV-2026-000001 is POSTED: its memo can only be changed before it is posted",
    });
    expect((await loadInvoiceDocument(db, "t1", ids.invoiceFr))!.memo).toContain("PO agreed on 3 Nov.");
  });

  it("an empty memo clears it; a longer one than 1000 characters is refused", () => {
    expect(saveInvoiceMemoInput.parse({ id: ids.invoiceDefault, memo: "   " }).memo).toBeNull();
    expect(saveInvoiceMemoInput.safeParse({ id: ids.invoiceDefault, memo: "x".repeat(1001) }).error?.issues[0]).toMatchObject({
      path: ["memo"],
      message: "at most 1000 characters",
    });
  });
});

describe("tenant logo", () => {
  it("stores a PNG and prints it in the PDF's letterhead", async () => {
    const db = database.db;
    const profile = await uploadLogo(db, "t1", logoInput.parse({ mimeType: "image/png", data: PNG }), SYSTEM);
    expect(profile.logo).toMatchObject({ mimeType: "image/png", dataUri: `data:image/png;base64,${PNG}` });
    const doc = (await loadInvoiceDocument(db, "t1", ids.invoiceDefault))!;
    expect(doc.seller.logo).toBe(`data:image/png;base64,${PNG}`);
    const pdf = await renderInvoicePdf(doc);
    expect(pdf.toString("latin1")).toContain("/Subtype /Image");
    expect((await getDocumentProfile(db, "t2")).logo).toBeNull();
  });

  it("refuses what is not a PNG or JPEG, a type that does not match the bytes, and more than 256 KiB", async () => {
    const db = database.db;
    const text = Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>").toString("base64");
    await expect(uploadLogo(db, "t1", logoInput.parse({ mimeType: "image/png", data: text }), SYSTEM)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "The logo must be a PNG or JPEG image",
    });
    await expect(uploadLogo(db, "t1", logoInput.parse({ mimeType: "image/jpeg", data: PNG }), SYSTEM)).rejects.toMatchObject({
      message: "The file is a PNG, not a JPEG",
    });
    const big = Buffer.concat([Buffer.from(PNG, "base64"), Buffer.alloc(LOGO_MAX_BYTES)]).toString("base64");
    expect(logoInput.safeParse({ mimeType: "image/png", data: big }).error?.issues[0].message).toBe("the logo must be at most 256 KiB");
    expect(logoInput.safeParse({ mimeType: "image/gif", data: PNG }).error?.issues[0].message).toBe("must be image/png or image/jpeg");
    // and the database holds the same limit for any other writer
    expect(await violatedConstraint(db.execute(sql`UPDATE tenant_profiles SET logo = ${Buffer.alloc(LOGO_MAX_BYTES + 1)} WHERE tenant_id = 't1'`))).toBe(
      "tenant_profiles_logo_check",
    );
    expect((await getDocumentProfile(db, "t1")).logo?.mimeType).toBe("image/png");
  });
});
