import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { getApprovalPolicy } from "@/server/billing/approval-policy";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";

// Migration 0025 carries the one gross_above of an ABOVE policy over to the tenant's default currency. The test puts
// the database of this run back to its 0024 shape for approval policies, stores policies as 0024 did, then applies
// the migration file as committed.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const MIGRATION = path.join(process.cwd(), "db/migrations/0025_approval_thresholds.sql");

describe("migration 0025: approval threshold per currency", () => {
  it("carries gross_above to the default currency (truncated to its decimals); a zero threshold becomes ALWAYS", async () => {
    const db = database.db;
    await db.execute(sql`DROP TABLE approval_thresholds`);
    await db.execute(sql`ALTER TABLE approval_policies ADD COLUMN gross_above numeric`);
    await db.execute(sql`ALTER TABLE approval_policies ADD CONSTRAINT approval_policies_above_check
      CHECK (mode <> 'ABOVE' OR gross_above IS NOT NULL OR invoice_count_above IS NOT NULL)`);
    await db.execute(sql`INSERT INTO organization (id, name, slug) VALUES
      ('eur', 'EUR', 'eur'), ('jpy', 'JPY', 'jpy'), ('zero', 'Zero', 'zero'), ('count', 'Count', 'count'), ('noprofile', 'No profile', 'noprofile')`);
    await db.execute(sql`INSERT INTO tenant_profiles (tenant_id, legal_name, address_line, city, postal_code, country, vat_id, default_currency)
      SELECT id, name, 'Street 1', 'Berlin', '10115', 'DE', 'DE123456789', CASE id WHEN 'jpy' THEN 'JPY' ELSE 'EUR' END
      FROM organization WHERE id IN ('eur', 'jpy', 'zero', 'count')`);
    await db.execute(sql`INSERT INTO approval_policies (tenant_id, mode, gross_above, invoice_count_above) VALUES
      ('eur', 'ABOVE', 50000.555, 10), ('jpy', 'ABOVE', 1000000.5, NULL), ('zero', 'ABOVE', 0, 5), ('count', 'ABOVE', NULL, 7),
      ('noprofile', 'ABOVE', 75000, NULL)`);

    const statements = fs.readFileSync(MIGRATION, "utf8").split("--> statement-breakpoint");
    await db.transaction(async (tx) => {
      for (const statement of statements) await tx.execute(sql.raw(statement));
    });

    expect(await queryRows(db, sql`SELECT tenant_id, currency, gross_above::text AS gross_above FROM approval_thresholds ORDER BY tenant_id`)).toEqual([
      { tenant_id: "eur", currency: "EUR", gross_above: "50000.55" },
      { tenant_id: "jpy", currency: "JPY", gross_above: "1000000" },
      { tenant_id: "noprofile", currency: "EUR", gross_above: "75000" },
    ]);
    expect(await getApprovalPolicy(db, "eur")).toEqual({ mode: "ABOVE", grossAbove: { EUR: "50000.55" }, invoiceCountAbove: 10 });
    expect(await getApprovalPolicy(db, "count")).toEqual({ mode: "ABOVE", grossAbove: {}, invoiceCountAbove: 7 });
    // "above 0" asked for approval of every run with a positive total: ALWAYS asks at least as often
    expect(await getApprovalPolicy(db, "zero")).toEqual({ mode: "ALWAYS", grossAbove: {}, invoiceCountAbove: null });
    const columns = await queryRows<{ column_name: string }>(db, sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'approval_policies'`);
    expect(columns.map((c) => c.column_name)).not.toContain("gross_above");
  });

  it("the database refuses a threshold that is not positive or has more decimals than its currency", async () => {
    const db = database.db;
    const refused = async (currency: string, amount: string) => {
      try {
        await db.execute(sql`INSERT INTO approval_thresholds (tenant_id, currency, gross_above) VALUES ('count', ${currency}, ${amount}::numeric)`);
        return false;
      } catch {
        return true;
      }
    };
    expect(await refused("USD", "0")).toBe(true);
    expect(await refused("USD", "10.001")).toBe(true);
    expect(await refused("JPY", "10.5")).toBe(true);
    expect(await refused("KWD", "10.125")).toBe(false);
  });
});
