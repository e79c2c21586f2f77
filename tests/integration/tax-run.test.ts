import { configureRuntime } from "@/tests/support/runtime";
import Decimal from "decimal.js";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { loadInvoiceDocument } from "@/server/documents/invoice-document";
import { documentFormat } from "@/server/documents/i18n";
import { vatSummaryLine } from "@/server/documents/pdf/invoice-pdf";
import { runStatistics } from "@/server/billing/statistics";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, waitForInlineJobs, type TestTenant } from "./billing-support";

// VAT determined per line through a real run: sellers' and buyers' countries, OSS, reverse charge, exports, exemptions,
// undeterminable VAT → REJECTED; money rounded once per line and once per VAT rate; credits on lines of their own.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } } });
});
afterAll(() => database?.close());

const accounts = [
  // external id, country, type, VAT id
  ["DE-B2B", "DE", "BUSINESS", "DE987654321"],
  ["FR-B2B", "FR", "BUSINESS", "FR12345678901"],
  ["NL-B2C", "NL", "CONSUMER", null],
  ["AT-B2B", "AT", "BUSINESS", "ATU12345678"],
  ["US-B2B", "US", "BUSINESS", null],
  ["NO-COUNTRY", null, "BUSINESS", "DE987654321"],
  ["FR-BAD-ID", "FR", "BUSINESS", "FR12"],
] as const;

async function setUp(): Promise<TestTenant> {
  const t = await newTenant(database.db, { seed: false });
  const db = database.db;
  await db.execute(sql`UPDATE tenant_profiles SET oss_registered = true WHERE tenant_id = ${t.tenantId}`);
  await db.execute(sql`
    INSERT INTO charges (tenant_id, code, label, type, vat_category, vat_rate, tax_class, vat_exemption_code, vat_exemption_reason) VALUES
      (${t.tenantId}, 'SAAS', 'Pro plan', 'RECURRING', 'S', 19, 'STANDARD', NULL, NULL),
      (${t.tenantId}, 'EBOOK', 'E-book downloads', 'USAGE', 'S', 19, 'ELECTRONIC_SERVICE', NULL, NULL),
      (${t.tenantId}, 'BOOKS', 'Printed manuals', 'ONE_SHOT', 'S', 7, 'GOODS_REDUCED', NULL, NULL),
      (${t.tenantId}, 'COURSE', 'Training course', 'ONE_SHOT', 'E', 0, 'EXEMPT', 'VATEX-EU-132-1I', 'Exempt education service')`);
  await db.execute(sql`
    INSERT INTO charges (tenant_id, code, label, type, vat_category, vat_rate, tax_class, line_grouping)
    VALUES (${t.tenantId}, 'SEATS', 'Seats', 'RECURRING', 'S', 19, 'STANDARD', 'PER_ITEM')`);
  const rows = sql.join(
    accounts.map(([ext, country, type, vatId]) => sql`(${ext}::text, ${country}::text, ${type}::text, ${vatId}::text)`),
    sql`, `,
  );
  await db.execute(sql`
    INSERT INTO customer_accounts (tenant_id, external_id, name, address_line, city, postal_code, country, vat_id, customer_type, currency, billing_cycle_id)
    SELECT ${t.tenantId}, v.ext, 'Buyer ' || v.ext, 'Street 1', 'City', '12345', v.country, v.vat_id, v.type::customer_type, 'EUR', ${t.billingCycleId}::uuid
    FROM (VALUES ${rows}) v(ext, country, type, vat_id)`);
  // per account: three plan items of 33.333333 (the line rounds once: 100.00), e-books at 0.015 a piece, manuals,
  // a course, and one credit on the plan
  await db.execute(sql`
    INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
    SELECT a.tenant_id, a.id, ch.id, x.description, x.quantity, x.unit_price, x.quantity * x.unit_price, 'EUR', x.usage_date::date,
      a.external_id || '-' || x.n
    FROM customer_accounts a
    CROSS JOIN (VALUES
      (1, 'SAAS', 'Pro plan October', 1, 33.333333, '2026-10-01'),
      (2, 'SAAS', 'Pro plan October', 1, 33.333333, '2026-10-02'),
      (3, 'SAAS', 'Pro plan October', 1, 33.333333, '2026-10-03'),
      (4, 'EBOOK', 'Download', 333, 0.015, '2026-10-05'),
      (5, 'EBOOK', 'Download', 111, 0.015, '2026-10-06'),
      (6, 'BOOKS', 'Manual', 3, 12.99, '2026-10-07'),
      (7, 'COURSE', 'Course', 1, 450, '2026-10-08'),
      (8, 'SAAS', 'Credit: downtime 2026-10-12', 1, -10.005, '2026-10-12')
    ) AS x(n, code, description, quantity, unit_price, usage_date)
    JOIN charges ch ON ch.tenant_id = a.tenant_id AND ch.code = x.code
    WHERE a.tenant_id = ${t.tenantId}`);
  // seats are billed one line per item (the charge asks for it), with each item's description
  await db.execute(sql`
    INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
    SELECT a.tenant_id, a.id, ch.id, x.description, 1, 10, 10, 'EUR', x.usage_date::date, 'SEAT-' || x.n
    FROM customer_accounts a JOIN charges ch ON ch.tenant_id = a.tenant_id AND ch.code = 'SEATS'
    CROSS JOIN (VALUES (1, 'alice@de-b2b.example', '2026-10-01'), (2, 'bob@de-b2b.example', '2026-10-02')) AS x(n, description, usage_date)
    WHERE a.tenant_id = ${t.tenantId} AND a.external_id = 'DE-B2B'`);
  return t;
}

type Line = { ext: string; code: string; kind: string; description: string; vat_category: string; vat_rate: string; amount: string; tax_error: string | null };

describe("VAT through a run", () => {
  it("determines every line's VAT, rejects what cannot be determined, and keeps the money exact", async () => {
    const t = await setUp();
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "REVIEW" }));
    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();
    expect((await t.caller.billingRuns.get({ id })).status).toBe("DRAFTS_READY");

    const lines = await queryRows<Line>(
      database.db,
      sql`SELECT a.external_id AS ext, ch.code, l.kind, l.description, l.vat_category, l.vat_rate::text AS vat_rate, l.amount::text AS amount, l.tax_error
          FROM invoice_lines l JOIN customer_accounts a ON a.id = l.account_id JOIN charges ch ON ch.id = l.charge_id
          WHERE l.billing_run_id = ${id}::uuid`,
    );
    const vat = (ext: string, code: string, kind = "CHARGE") => {
      const l = lines.find((x) => x.ext === ext && x.code === code && x.kind === kind)!;
      return `${l.vat_category} ${l.vat_rate}`;
    };
    // domestic: standard, reduced, exempt
    expect([vat("DE-B2B", "SAAS"), vat("DE-B2B", "BOOKS"), vat("DE-B2B", "COURSE"), vat("DE-B2B", "EBOOK")]).toEqual(["S 19.00", "S 7.00", "E 0.00", "S 19.00"]);
    // EU business with a VAT id: reverse charge for services, intra-community supply for goods
    expect([vat("FR-B2B", "SAAS"), vat("FR-B2B", "EBOOK"), vat("AT-B2B", "BOOKS")]).toEqual(["AE 0.00", "AE 0.00", "K 0.00"]);
    // EU consumer under OSS: electronic services and goods at the Dutch rates, other services at the German rate
    expect([vat("NL-B2C", "EBOOK"), vat("NL-B2C", "BOOKS"), vat("NL-B2C", "SAAS")]).toEqual(["S 21.00", "S 9.00", "S 19.00"]);
    // outside the EU: services not subject (also one exempt at home: EN 16931 allows no E beside O), goods exported
    expect([vat("US-B2B", "SAAS"), vat("US-B2B", "BOOKS"), vat("US-B2B", "COURSE")]).toEqual(["O 0.00", "G 0.00", "O 0.00"]);

    // the credit is a line of its own with its own description, also for reverse-charged buyers
    const credit = lines.find((l) => l.ext === "FR-B2B" && l.kind === "CREDIT")!;
    expect(credit).toMatchObject({ code: "SAAS", description: "Credit: downtime 2026-10-12", amount: "-10.01", vat_category: "AE" });
    expect(lines.find((l) => l.ext === "FR-B2B" && l.code === "SAAS" && l.kind === "CHARGE")!.amount).toBe("100.00");

    const invoices = await queryRows<{ id: string; ext: string; status: string; reason: string | null; net: string; tax: string; gross: string }>(
      database.db,
      sql`SELECT i.id, a.external_id AS ext, i.status, i.reason, i.net_total::text AS net, i.tax_total::text AS tax, i.gross_total::text AS gross
          FROM invoices i JOIN customer_accounts a ON a.id = i.account_id WHERE i.billing_run_id = ${id}::uuid`,
    );
    const status = Object.fromEntries(invoices.map((i) => [i.ext, i.status]));
    expect(status["NO-COUNTRY"]).toBe("REJECTED");
    expect(status["FR-BAD-ID"]).toBe("REJECTED");
    expect(invoices.find((i) => i.ext === "NO-COUNTRY")!.reason).toMatch(/Buyer country missing/);
    expect(invoices.find((i) => i.ext === "FR-BAD-ID")!.reason).toMatch(/VAT id does not have the format of a FR VAT id/);
    for (const ext of ["DE-B2B", "FR-B2B", "NL-B2C", "AT-B2B", "US-B2B"]) expect(status[ext]).not.toBe("REJECTED");

    // money: each invoice = its lines + VAT rounded once per (category, rate), computed here from the lines
    for (const inv of invoices) {
      const own = lines.filter((l) => l.ext === inv.ext);
      const byRate = new Map<string, Decimal>();
      for (const l of own) byRate.set(`${l.vat_category}|${l.vat_rate}`, (byRate.get(`${l.vat_category}|${l.vat_rate}`) ?? new Decimal(0)).plus(l.amount));
      const net = own.reduce((s, l) => s.plus(l.amount), new Decimal(0));
      const tax = [...byRate.entries()].reduce(
        (s, [key, taxable]) => s.plus(taxable.times(key.split("|")[1]).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)),
        new Decimal(0),
      );
      expect([inv.net, inv.tax, inv.gross]).toEqual([net.toFixed(2), tax.toFixed(2), net.plus(tax).toFixed(2)]);
    }
    // rounding once per rate differs from rounding per line here: the NL e-books (444 × 0.015 = 6.66 at 21 %) and the plan
    const de = invoices.find((i) => i.ext === "DE-B2B")!;
    // plan 100.00 − credit 10.01 + seats 20.00 + e-books 6.66 at 19 % = 116.65 → 22.16; manuals 38.97 at 7 % → 2.73
    expect([de.net, de.tax]).toEqual(["605.62", "24.89"]);

    // the documents carry the VATEX codes and print each reason once
    const fr = await loadInvoiceDocument(database.db, t.tenantId, invoices.find((i) => i.ext === "FR-B2B")!.id);
    const ae = fr!.vatBreakdown.find((b) => b.vatCategory === "AE")!;
    expect(ae.exemptionReasonCode).toBe("VATEX-EU-AE");
    const en = documentFormat("en");
    expect(vatSummaryLine(ae, "en", en, "EUR")).toMatch(/^Reverse charge: €[\d,.]+$/);
    expect(fr!.lines.map((l) => l.kind)).toContain("CREDIT");
    const deDoc = await loadInvoiceDocument(database.db, t.tenantId, de.id);
    const reduced = deDoc!.vatBreakdown.find((b) => b.vatRate === "7.00")!;
    expect(vatSummaryLine(reduced, "en", en, "EUR")).toBe("VAT 7 % on €38.97 = €2.73");
    expect(deDoc!.vatBreakdown.find((b) => b.vatCategory === "E")!.exemptionReasonCode).toBe("VATEX-EU-132-1I");
    // lines ordered by charge type (recurring, usage, one-time), charge, charges before credits
    expect(deDoc!.lines.map((l) => `${l.kind} ${l.description}`)).toEqual([
      "CHARGE Pro plan",
      "CREDIT Credit: downtime 2026-10-12",
      "CHARGE Seats: alice@de-b2b.example",
      "CHARGE Seats: bob@de-b2b.example",
      "CHARGE E-book downloads",
      "CHARGE Printed manuals",
      "CHARGE Training course",
    ]);

    // statistics: VAT per category and buyer country
    const stats = await runStatistics(database.db, t.tenantId, id);
    const row = (cat: string, country: string | null, rate: string) =>
      stats.vatByCategoryAndCountry.find((r) => r.vatCategory === cat && r.country === country && r.vatRate === rate);
    expect(row("AE", "FR", "0.00")!.label).toBe("Reverse charge"); // the catalogue's label, as on the invoices
    expect(row("K", "AT", "0.00")).toBeTruthy();
    expect(row("O", "US", "0.00")).toBeTruthy();
    expect(row("S", "NL", "21.00")!.tax).toBe("1.40"); // 6.66 × 21 % = 1.3986
  });
});
