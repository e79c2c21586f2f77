import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { loadInvoiceDocument } from "@/server/documents/invoice-document";
import { loadUsageAnnex } from "@/server/documents/usage-annex";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, waitForInlineJobs } from "./billing-support";

// Item kinds through a run (discounts and refunds on lines of their own even on the same charge, by kind and not only
// by sign) and the usage annex of the invoice (the items behind the usage lines of a charge that asks for it).

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 10 } } });
});
afterAll(() => database?.close());

describe("item kinds and the usage annex", () => {
  it("bills discounts, refunds and credits on lines of their own, and lists the usage line's items in the annex", async () => {
    const t = await newTenant(database.db, { seed: false });
    const db = database.db;
    await db.execute(sql`
      INSERT INTO charges (tenant_id, code, label, type, vat_category, vat_rate, tax_class, usage_annex) VALUES
        (${t.tenantId}, 'API', 'API calls', 'USAGE', 'S', 19, 'STANDARD', true),
        (${t.tenantId}, 'PLAN', 'Pro plan', 'RECURRING', 'S', 19, 'STANDARD', false)`);
    await db.execute(sql`
      INSERT INTO customer_accounts (tenant_id, external_id, name, address_line, city, postal_code, country, vat_id, customer_type, currency, billing_cycle_id)
      VALUES (${t.tenantId}, 'ACC', 'Buyer', 'Street 1', 'Berlin', '10115', 'DE', 'DE987654321', 'BUSINESS', 'EUR', ${t.billingCycleId}::uuid)`);
    await db.execute(sql`
      INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id, kind)
      SELECT a.tenant_id, a.id, ch.id, x.description, x.quantity, x.unit_price, x.quantity * x.unit_price, 'EUR', x.usage_date::date, x.ext,
        x.kind::line_kind
      FROM customer_accounts a
      CROSS JOIN (VALUES
        ('U1', 'API', 'Calls from app A', 100, 0.01, '2026-10-03', NULL),
        ('U2', 'API', 'Calls from app B', 200, 0.01, '2026-10-01', NULL),
        ('U3', 'API', 'Calls from app C', 300, 0.01, '2026-10-09', 'CHARGE'),
        ('D1', 'API', 'Volume discount 10 %', 1, -0.60, '2026-10-31', 'DISCOUNT'),
        ('R1', 'API', 'Refund of a failed batch', 1, -0.25, '2026-10-20', 'REFUND'),
        ('C1', 'API', 'Goodwill credit', 1, -0.15, '2026-10-21', NULL),
        ('P1', 'PLAN', 'Pro plan October', 1, 49, '2026-10-01', NULL)
      ) AS x(ext, code, description, quantity, unit_price, usage_date, kind)
      JOIN charges ch ON ch.tenant_id = a.tenant_id AND ch.code = x.code
      WHERE a.tenant_id = ${t.tenantId}`);

    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "REVIEW" }));
    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();

    const lines = await queryRows<{ kind: string; description: string; amount: string }>(
      db,
      sql`SELECT kind::text, description, amount::text FROM invoice_lines WHERE billing_run_id = ${id}::uuid ORDER BY kind, description`,
    );
    expect(lines.map((l) => `${l.kind} ${l.description} ${l.amount}`)).toEqual([
      "CHARGE API calls 6.00",
      "CHARGE Pro plan 49.00",
      "CREDIT Goodwill credit -0.15",
      "DISCOUNT Volume discount 10 % -0.60",
      "REFUND Refund of a failed batch -0.25",
    ]);

    const [invoice] = await queryRows<{ id: string }>(db, sql`SELECT id FROM invoices WHERE billing_run_id = ${id}::uuid`);
    const doc = await loadInvoiceDocument(db, t.tenantId, invoice.id);
    // the usage line's items by date; the plan (no annex) and the credits are not listed
    expect(doc!.usageAnnex).toEqual({
      sections: [
        {
          line: "API calls",
          items: [
            { date: "2026-10-01", description: "Calls from app B", quantity: "200.000000", amount: "2.000000" },
            { date: "2026-10-03", description: "Calls from app A", quantity: "100.000000", amount: "1.000000" },
            { date: "2026-10-09", description: "Calls from app C", quantity: "300.000000", amount: "3.000000" },
          ],
        },
      ],
      more: 0,
    });

    // over the limit: the first items, then a count of the rest
    const [line] = await queryRows<{ id: string; account_id: string }>(
      db,
      sql`SELECT id::text, account_id::text FROM invoice_lines WHERE billing_run_id = ${id}::uuid AND description = 'API calls'`,
    );
    const limited = await loadUsageAnnex(db, t.tenantId, { runId: id, accountId: line.account_id, lineIds: [line.id] }, 2);
    expect(limited!.sections[0].items.map((i) => i.description)).toEqual(["Calls from app B", "Calls from app A"]);
    expect(limited!.more).toBe(1);

    // another tenant's id finds nothing
    expect(await loadUsageAnnex(db, "another-tenant", { runId: id, accountId: line.account_id, lineIds: [line.id] })).toBeNull();
  });

  it("refuses an item whose kind its amount's sign contradicts (the database checks it too)", async () => {
    const t = await newTenant(database.db, { seed: false });
    const db = database.db;
    await db.execute(sql`INSERT INTO charges (tenant_id, code, label, type, vat_category, vat_rate) VALUES (${t.tenantId}, 'X', 'X', 'USAGE', 'S', 19)`);
    await db.execute(sql`
      INSERT INTO customer_accounts (tenant_id, external_id, name, currency, billing_cycle_id)
      VALUES (${t.tenantId}, 'ACC', 'Buyer', 'EUR', ${t.billingCycleId}::uuid)`);
    const insert = (amount: string, kind: string) =>
      db.execute(sql`
        INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id, kind)
        SELECT a.tenant_id, a.id, ch.id, 'x', 1, ${amount}::numeric, ${amount}::numeric, 'EUR', '2026-10-01', ${`${kind}${amount}`}, ${kind}::line_kind
        FROM customer_accounts a JOIN charges ch ON ch.tenant_id = a.tenant_id WHERE a.tenant_id = ${t.tenantId}`);
    await expect(insert("5", "REFUND")).rejects.toThrow();
    await expect(insert("-5", "CHARGE")).rejects.toThrow();
    await insert("-5", "REFUND");
    await insert("5", "CHARGE");
  });
});
