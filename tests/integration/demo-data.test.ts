import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { ensureDemoData } from "@/db/seed/demo";
import { createRun, processRun } from "@/server/billing/runs";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { waitForInlineJobs } from "./billing-support";

// The demo a newcomer sees on the first start: a previous month already posted, and a first run of their own in which
// the review rules flag a handful of invoices (each with its reason), not half of them.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime();
});
afterAll(() => database?.close());

// One engine is enough: the demo is what the embedded database shows on `npm run dev`.
describe.skipIf(!!process.env.TEST_DB)("demo data", () => {
  it("posts a previous month, then the first run flags a handful of invoices with reasons", async () => {
    expect(await ensureDemoData(database.db)).not.toBeNull();
    await waitForInlineJobs();
    const [tenant] = await queryRows<{ id: string; cycle: string }>(
      database.db,
      sql`SELECT t.id, c.id AS cycle FROM organization t JOIN billing_cycles c ON c.tenant_id = t.id WHERE t.slug = 'demo'`,
    );
    const runs = await queryRows<{ status: string; invoices: number }>(
      database.db,
      sql`SELECT r.status, (SELECT count(*) FROM invoices i WHERE i.billing_run_id = r.id AND i.status = 'POSTED')::int AS invoices
          FROM billing_runs r WHERE r.tenant_id = ${tenant.id}`,
    );
    expect(runs).toEqual([{ status: "POSTED", invoices: 48 }]);

    const actor = { type: "SYSTEM" } as const;
    const run = await createRun(database.db, tenant.id, { type: "CYCLE", billingCycleId: tenant.cycle, invoiceDate: "2026-11-30", cutoffDate: "2026-12-01" }, actor);
    await processRun(database.db, tenant.id, run.id, actor);
    await waitForInlineJobs();
    const flagged = await queryRows<{ account: string; status: string; rules: string[] }>(
      database.db,
      sql`SELECT a.name AS account, i.status, array_agg(f.rule_kind::text ORDER BY f.rule_kind::text) AS rules
          FROM invoices i JOIN customer_accounts a ON a.id = i.account_id JOIN invoice_findings f ON f.invoice_id = i.id
          WHERE i.billing_run_id = ${run.id}::uuid GROUP BY a.name, i.status ORDER BY a.name`,
    );
    const [{ drafts }] = await queryRows<{ drafts: number }>(database.db, sql`SELECT count(*)::int AS drafts FROM invoices WHERE billing_run_id = ${run.id}::uuid`);
    expect(drafts).toBe(49);
    expect(flagged.length).toBeGreaterThanOrEqual(4);
    expect(flagged.length).toBeLessThanOrEqual(8);
    const byAccount = Object.fromEntries(flagged.map((f) => [f.account, f.rules]));
    expect(byAccount["Müller & Söhne GmbH"]).toEqual(expect.arrayContaining(["CHANGE_PERCENT", "USAGE_CHANGE_PERCENT"]));
    expect(byAccount["Zoë Ångström Consulting"]).toEqual(expect.arrayContaining(["CHANGE_PERCENT"]));
    expect(byAccount["Customer DEMO 20"]).toEqual(expect.arrayContaining(["FIRST_INVOICE"]));
    expect(byAccount["Customer DEMO 33"]).toEqual(expect.arrayContaining(["USAGE_CHANGE_PERCENT"]));
    expect(flagged.some((f) => f.rules.includes("AMOUNT_ABOVE"))).toBe(true);

    // Most invoices compare with a posted one (the change-vs-previous statistics have something to show).
    const [{ compared }] = await queryRows<{ compared: number }>(
      database.db,
      sql`SELECT count(*)::int AS compared FROM invoices i WHERE i.billing_run_id = ${run.id}::uuid AND EXISTS (
            SELECT 1 FROM invoices p WHERE p.account_id = i.account_id AND p.status = 'POSTED')`,
    );
    expect(compared).toBe(48);
    // Reverse charge (AE), domestic and OSS (S), exports (O: not subject here) still show (#18).
    const categories = await queryRows<{ vat_category: string }>(
      database.db,
      sql`SELECT DISTINCT vat_category::text FROM invoice_lines WHERE billing_run_id = ${run.id}::uuid ORDER BY 1`,
    );
    expect(categories.map((c) => c.vat_category)).toEqual(expect.arrayContaining(["AE", "O", "S"]));
    console.info(JSON.stringify({ flagged }));
  }, 120_000);
});
