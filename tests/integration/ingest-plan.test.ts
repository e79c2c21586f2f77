import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { seedTenantData } from "@/db/seed/generate";
import { storedItemsOfBatch } from "@/server/api/ingest/rated-items";
import { createTenant } from "@/server/tenants/create-tenant";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const profile = { legalName: "Plan GmbH", addressLine: "Hauptstraße 1", city: "Berlin", postalCode: "10115", country: "DE", vatId: "DE123456789" };

/** The indexes a plan reads, from EXPLAIN's JSON. */
function indexesOf(plan: unknown): string[] {
  const found: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (typeof node["Index Name"] === "string") found.push(node["Index Name"]);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((plan as { Plan: Record<string, unknown> }[])[0].Plan);
  return found;
}

describe("ingest on a grown database", () => {
  it("does not look a new tenant's batch ids up by filtering all its items on the (tenant, account, date) index", async () => {
    const db = database.db;
    // a grown table, analyzed: its statistics know only this tenant
    const grown = await createTenant(db, { name: "Grown", slug: `grown-${Date.now()}`, profile });
    await seedTenantData(db, { tenantId: grown.tenantId, billingCycleId: grown.billingCycleId, accounts: 200, items: 20_000, tag: "G" });
    await db.execute(sql`ANALYZE rated_items`);
    // a tenant the statistics have never seen, sending its first batches
    const fresh = await createTenant(db, { name: "Fresh", slug: `fresh-${Date.now()}`, profile });
    const ids = `{${Array.from({ length: 2_000 }, (_, i) => `F-ITEM-${i}`).join(",")}}`;
    const [row] = await queryRows<{ "QUERY PLAN": unknown }>(db, sql`EXPLAIN (FORMAT JSON) ${storedItemsOfBatch(fresh.tenantId, ids)}`);
    const plan = typeof row["QUERY PLAN"] === "string" ? JSON.parse(row["QUERY PLAN"]) : row["QUERY PLAN"];
    // (a small table may be read whole instead: what must not happen is filtering the tenant's items by that index)
    expect(indexesOf(plan)).not.toContain("rated_items_tenant_account_date_id_idx");
  });
});
