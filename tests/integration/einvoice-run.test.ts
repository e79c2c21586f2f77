import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { flavourOf } from "@/server/documents/einvoice/einvoice-model";
import { buildEinvoiceXml } from "@/server/documents/einvoice/einvoice-xml";
import { loadInvoiceDocument } from "@/server/documents/invoice-document";
import { waitForRunDocuments } from "@/server/documents/run-documents";
import {
  flavourFilesFound,
  flavourSkipReason,
  formatFindings,
  validateEinvoice,
} from "@/tests/support/einvoice";
import { configureRuntime } from "@/tests/support/runtime";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, waitForInlineJobs } from "./billing-support";

// The e-invoice corpus through the product: a billing run over accounts that chose Peppol BIS, XRechnung or Factur-X
// (domestic DE, intra-EU, non-EU in USD with the VAT total in EUR, invoices and credit notes), posted, its XML generated
// and every stored document validated against its flavour's XSD and official rules. An account whose format lacks data
// is REJECTED when drafts are created, naming what is missing.
if (!flavourFilesFound)
  console.warn(`[einvoice-run] SKIPPED: ${flavourSkipReason}`);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 4 } } });
});
afterAll(async () => {
  await waitForRunDocuments();
  await database?.close();
});

describe("e-invoices of a billing run", () => {
  it("rejects accounts that lack what their format needs, and every posted document passes its official rules", async () => {
    const db = database.db;
    const t = await newTenant(db, { accounts: 12, items: 240, creditEvery: 5 });
    await db.execute(sql`UPDATE tenant_profiles SET contact_name = 'Accounts receivable', contact_phone = '+49 30 1234567',
        contact_email = 'ar@seller.example', electronic_address_scheme = '9930', electronic_address = 'DE123456789'
      WHERE tenant_id = ${t.tenantId}`);
    await db.execute(
      sql`INSERT INTO exchange_rates (tenant_id, currency, rate_date, rate) VALUES (${t.tenantId}, 'USD', '2026-10-31', 0.9214)`,
    );
    // formats in turn; every account gets an endpoint and a buyer reference except the 12th (Peppol, no endpoint)
    await db.execute(sql`
      WITH n AS (SELECT id, row_number() OVER (ORDER BY external_id) AS k FROM customer_accounts WHERE tenant_id = ${t.tenantId})
      UPDATE customer_accounts a SET
        einvoice_format = (ARRAY['PEPPOL', 'XRECHNUNG', 'FACTURX'])[1 + n.k % 3]::einvoice_format,
        electronic_address_scheme = CASE WHEN n.k = 12 THEN NULL ELSE '0060' END,
        electronic_address = CASE WHEN n.k = 12 THEN NULL ELSE lpad(n.k::text, 9, '0') END,
        buyer_reference = 'BR-' || n.k, purchase_order_reference = CASE WHEN n.k % 2 = 0 THEN 'PO-' || n.k END
      FROM n WHERE a.id = n.id`);

    // the 3rd and 4th accounts' items are all credits: their documents are credit notes (XRechnung and Factur-X)
    await db.execute(sql`UPDATE rated_items r SET unit_price = -abs(unit_price), amount = -abs(amount)
      WHERE r.tenant_id = ${t.tenantId} AND r.account_id IN (
        SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id OFFSET 2 LIMIT 2)`);
    const { id } = await t.caller.billingRuns.create(
      cycleRun(t.billingCycleId),
    );
    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();
    const rejected = await queryRows<{
      id: string;
      reason: string;
      format: string;
    }>(
      db,
      sql`SELECT i.id, i.reason, a.einvoice_format AS format FROM invoices i JOIN customer_accounts a ON a.id = i.account_id
          WHERE i.billing_run_id = ${id}::uuid AND i.status = 'REJECTED'`,
    );
    expect(rejected.map(({ format, reason }) => ({ format, reason }))).toEqual([
      {
        format: "PEPPOL",
        reason: "E-invoice data missing (PEPPOL): buyer electronic address",
      },
    ]);
    // the operator sets it aside (quarantine) and posts the rest
    await t.caller.invoices.bulkAction({
      runId: id,
      action: "QUARANTINE",
      target: { ids: [rejected[0].id] },
    });

    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();
    await t.caller.billingRuns.generateDocuments({ id, kind: "XML" });
    await waitForRunDocuments();
    const docs = await queryRows<{
      number: string;
      type: string;
      currency: string;
      format: "PEPPOL" | "XRECHNUNG" | "FACTURX";
      content: Buffer | Uint8Array;
    }>(
      db,
      sql`SELECT i.number, i.type, i.currency::text AS currency, i.buyer->>'einvoiceFormat' AS format, d.content
            FROM documents d JOIN invoices i ON i.id = d.invoice_id
           WHERE i.billing_run_id = ${id}::uuid AND d.kind = 'XML' ORDER BY i.number`,
    );
    expect(docs.length).toBe(11);
    // the corpus covers each flavour, credit notes, and a foreign currency with its VAT total in EUR
    expect(new Set(docs.map((d) => d.format))).toEqual(
      new Set(["PEPPOL", "XRECHNUNG", "FACTURX"]),
    );
    expect(docs.some((d) => d.type === "CREDIT_NOTE")).toBe(true);
    const usd = docs.find((d) => d.currency === "USD");
    expect(usd).toBeDefined();
    expect(Buffer.from(usd!.content).toString("utf8")).toMatch(
      /<(cbc:TaxCurrencyCode|ram:TaxCurrencyCode)>EUR</,
    );

    // BT-6 / BT-111 are fixed when posted: a later rate (or a changed one) never changes a posted invoice's XML
    const [fixed] = await queryRows<{ id: string; currency: string; rate: string; rateDate: string }>(
      db,
      sql`SELECT id::text, vat_accounting_currency::text AS currency, vat_exchange_rate::text AS rate, vat_exchange_rate_date::text AS "rateDate"
          FROM invoices WHERE billing_run_id = ${id}::uuid AND number = ${usd!.number}`,
    );
    expect(fixed).toMatchObject({ currency: "EUR", rate: "0.9214", rateDate: "2026-10-31" });
    await db.execute(sql`UPDATE exchange_rates SET rate = 1.5 WHERE tenant_id = ${t.tenantId} AND currency = 'USD'`);
    await db.execute(sql`INSERT INTO exchange_rates (tenant_id, currency, rate_date, rate) VALUES (${t.tenantId}, 'USD', '2026-10-01', 2)`);
    const again = (await loadInvoiceDocument(db, t.tenantId, fixed.id))!;
    // (this buyer pays no VAT, so the rate shows in the document's facts, which the PDF prints, not in the XML amounts)
    expect(again.vatAccounting).toMatchObject({ currency: "EUR", rate: "0.9214" });
    // the invoice API states the same fixed rate, its date and the VAT total converted at it (this buyer's is zero)
    const detail = await t.caller.invoices.get({ id: fixed.id });
    expect(detail.vatAccounting).toEqual({ currency: "EUR", rate: "0.9214", rateDate: "2026-10-31", taxTotal: "0.00" });
    const regenerated = buildEinvoiceXml(again);
    expect(regenerated, "the XML generated again after the rate changed is the stored one").toBe(Buffer.from(usd!.content).toString("utf8"));

    if (!flavourFilesFound) return;
    const failures: string[] = [];
    for (const d of docs) {
      const xml = Buffer.from(d.content).toString("utf8");
      const fatal = (await validateEinvoice(xml, flavourOf(d.format))).filter(
        (f) => f.flag === "fatal",
      );
      if (fatal.length)
        failures.push(
          `${d.number} (${d.format}, ${d.type}, ${d.currency})\n${formatFindings(fatal)}`,
        );
    }
    expect(failures.join("\n\n")).toBe("");
  }, 600_000);
});
