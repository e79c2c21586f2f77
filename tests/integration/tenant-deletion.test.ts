import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "@/server/auth/auth";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, waitForInlineJobs, type TestTenant } from "./billing-support";

// Deleting a tenant through better-auth's organization endpoint (owner only): everything it owns goes, including the
// rated items, lines and draft invoices that have no cascading foreign key; refused, with the reason and nothing
// removed, once the tenant has posted invoices.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

async function deleteTenant(t: TestTenant) {
  const auth = createAuth(database.db);
  const { email } = await one<{ email: string }>(database.db, sql`SELECT email FROM "user" WHERE id = ${t.userId}`);
  const signIn = await auth.api.signInEmail({ body: { email, password: "correct-horse-battery" }, asResponse: true });
  const headers = new Headers({ cookie: signIn.headers.get("set-cookie")!.split(";")[0] });
  return auth.api.deleteOrganization({ body: { organizationId: t.tenantId }, headers, asResponse: true });
}

const owned = (tenantId: string) =>
  one<Record<string, number>>(
    database.db,
    sql`SELECT (SELECT count(*) FROM organization WHERE id = ${tenantId})::int AS organization,
          (SELECT count(*) FROM customer_accounts WHERE tenant_id = ${tenantId})::int AS accounts,
          (SELECT count(*) FROM rated_items WHERE tenant_id = ${tenantId})::int AS items,
          (SELECT count(*) FROM rated_item_claims WHERE tenant_id = ${tenantId})::int AS claims,
          (SELECT count(*) FROM billing_runs WHERE tenant_id = ${tenantId})::int AS runs,
          (SELECT count(*) FROM invoice_lines WHERE tenant_id = ${tenantId})::int AS lines,
          (SELECT count(*) FROM invoices WHERE tenant_id = ${tenantId})::int AS invoices,
          (SELECT count(*) FROM invoice_tax_subtotals WHERE tenant_id = ${tenantId})::int AS subtotals,
          (SELECT count(*) FROM invoice_status_history WHERE tenant_id = ${tenantId})::int AS history`,
  );

async function tenantWithRun(mode: "MANUAL" | "REVIEW" | "AUTO_POST") {
  const t = await newTenant(database.db, { accounts: 3, items: 30 });
  const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode }));
  await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  return { t, run: await t.caller.billingRuns.get({ id }) };
}

describe("deleting a tenant", () => {
  it("removes a tenant whose run has lines (claimed items, no invoice) with everything it owns", async () => {
    const { t, run } = await tenantWithRun("MANUAL");
    expect(run.status).toBe("LINES_CREATED");
    expect((await owned(t.tenantId)).claims).toBe(30);
    const response = await deleteTenant(t);
    expect(response.status).toBe(200);
    expect(Object.values(await owned(t.tenantId)).every((n) => n === 0)).toBe(true);
  });

  it("removes a tenant whose run has draft invoices, their VAT breakdown and history too", async () => {
    const { t, run } = await tenantWithRun("REVIEW");
    expect(run.status).toBe("DRAFTS_READY");
    const before = await owned(t.tenantId);
    expect(before).toMatchObject({ invoices: 3, history: 3 });
    expect(before.subtotals).toBeGreaterThanOrEqual(3);
    const response = await deleteTenant(t);
    expect(response.status).toBe(200);
    expect(Object.values(await owned(t.tenantId)).every((n) => n === 0)).toBe(true);
  });

  it("refuses, with the reason, a tenant that has posted invoices and removes nothing", async () => {
    const { t, run } = await tenantWithRun("AUTO_POST");
    expect(run.status).toBe("POSTED");
    const before = await owned(t.tenantId);
    const response = await deleteTenant(t);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { message: string }).message).toMatch(/has 3 posted invoices and cannot be deleted: posted invoices are kept/);
    expect(await owned(t.tenantId)).toEqual(before);
  });

  it("refuses posted invoices in the database too, whoever deletes the organization row", async () => {
    const { t } = await tenantWithRun("AUTO_POST");
    const before = await owned(t.tenantId);
    await expect(database.db.execute(sql`DELETE FROM organization WHERE id = ${t.tenantId}`)).rejects.toMatchObject({
      cause: expect.objectContaining({ message: expect.stringMatching(/has 3 posted invoice\(s\) and cannot be deleted/) }),
    });
    expect(await owned(t.tenantId)).toEqual(before);
  });
});
