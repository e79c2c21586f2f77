import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorMessage } from "@/server/jobs/lifecycle";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, raceAgainstOpenInsert, waitForInlineJobs, type TestTenant } from "./billing-support";

// Invoices reference runs and an account of their own tenant, and their VAT breakdown and status history an invoice
// of the same tenant — enforced by the database itself (statement-level checks, db/migrations/0006).

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

type Draft = { id: string; run_id: string; account_id: string };

/** A tenant with a run of draft invoices; returns one draft. */
async function tenantWithDrafts(): Promise<{ t: TestTenant; draft: Draft }> {
  const t = await newTenant(database.db, { accounts: 3, items: 30 });
  const run = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "REVIEW" }));
  await t.caller.billingRuns.process({ id: run.id }); // REVIEW: lines, then drafts
  await waitForInlineJobs();
  expect((await t.caller.billingRuns.get({ id: run.id })).status).toBe("DRAFTS_READY");
  const draft = await one<Draft>(
    database.db,
    sql`SELECT id::text, billing_run_id::text AS run_id, account_id::text FROM invoices WHERE billing_run_id = ${run.id}::uuid LIMIT 1`,
  );
  return { t, draft };
}

/** The database's own message (drizzle wraps it in "Failed query: …"). */
const dbError = (query: Promise<unknown>) => query.then(() => "no error", errorMessage);

/** Inserts a copy of an invoice for another account of the same run (origin run and run are the given run). */
const insertInvoice = (tenantId: string, runId: string, accountId: string) =>
  database.db.execute(sql`INSERT INTO invoices (tenant_id, billing_run_id, origin_run_id, account_id, type, status, currency, invoice_date,
      due_date, net_total, tax_total, gross_total, lines_count, buyer)
    VALUES (${tenantId}, ${runId}::uuid, ${runId}::uuid, ${accountId}::uuid, 'INVOICE', 'DRAFT', 'EUR', '2026-12-01', '2026-12-31',
      0, 0, 0, 0, '{}'::jsonb)`);

describe("invoice references", () => {
  it("refuses an invoice, VAT subtotal or history row that points at another tenant's run, account or invoice", async () => {
    const a = await tenantWithDrafts();
    const b = await tenantWithDrafts();
    const spare = await one<{ id: string }>(
      database.db,
      sql`INSERT INTO customer_accounts (tenant_id, external_id, name, currency, country)
          VALUES (${a.t.tenantId}, 'spare-' || gen_random_uuid(), 'Spare', 'EUR', 'DE') RETURNING id::text`,
    );
    const count = async () => (await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM invoices WHERE tenant_id = ${a.t.tenantId}`)).n;
    const before = await count();

    expect(await dbError(insertInvoice(a.t.tenantId, a.draft.run_id, b.draft.account_id))).toMatch(/references account .* that tenant/);
    expect(await dbError(insertInvoice(a.t.tenantId, b.draft.run_id, spare.id))).toMatch(/references billing run .* that tenant/);
    expect(await count()).toBe(before);
    await insertInvoice(a.t.tenantId, a.draft.run_id, spare.id); // its own run and account: accepted
    expect(await count()).toBe(before + 1);

    expect(
      await dbError(
        database.db.execute(sql`INSERT INTO invoice_tax_subtotals (invoice_id, tenant_id, vat_category, vat_rate, taxable_amount, tax_amount)
          VALUES (${b.draft.id}::uuid, ${a.t.tenantId}, 'S', 7, 0, 0)`),
      ),
    ).toMatch(/invoice_tax_subtotals references invoice .* that tenant/);
    expect(
      await dbError(
        database.db.execute(sql`INSERT INTO invoice_status_history (tenant_id, invoice_id, to_status, actor)
          VALUES (${a.t.tenantId}, ${b.draft.id}::uuid, 'DRAFT', 'test')`),
      ),
    ).toMatch(/invoice_status_history references invoice .* that tenant/);
  });

  it("keeps an invoice's tenant, account and origin run; it moves only within its tenant; referenced runs and accounts stay", async () => {
    const a = await tenantWithDrafts();
    const b = await tenantWithDrafts();
    const other = await one<{ id: string }>(
      database.db,
      sql`SELECT id::text FROM customer_accounts WHERE tenant_id = ${a.t.tenantId} AND id <> ${a.draft.account_id}::uuid LIMIT 1`,
    );
    expect(await dbError(database.db.execute(sql`UPDATE invoices SET account_id = ${other.id}::uuid WHERE id = ${a.draft.id}::uuid`))).toMatch(
      /cannot be changed/,
    );
    expect(
      await dbError(database.db.execute(sql`UPDATE invoices SET billing_run_id = ${b.draft.run_id}::uuid WHERE id = ${a.draft.id}::uuid`)),
    ).toMatch(/cannot move to billing run/);
    expect(
      await dbError(database.db.execute(sql`UPDATE invoice_status_history SET invoice_id = ${b.draft.id}::uuid WHERE invoice_id = ${a.draft.id}::uuid`)),
    ).toMatch(/cannot be changed/);

    expect(await dbError(database.db.execute(sql`DELETE FROM customer_accounts WHERE id = ${a.draft.account_id}::uuid`))).toMatch(
      /customer_accounts .* is referenced by invoices/,
    );
    expect(
      await dbError(database.db.execute(sql`UPDATE billing_runs SET tenant_id = ${b.t.tenantId} WHERE id = ${a.draft.run_id}::uuid`)),
    ).toMatch(/cannot be changed/);
    expect(await dbError(database.db.execute(sql`DELETE FROM billing_runs WHERE id = ${a.draft.run_id}::uuid`))).toMatch(
      /billing_runs .* is referenced by invoices/,
    );
  });

  it("deleting an account while an invoice for it is being inserted waits for the insert and is refused", async () => {
    const { t, draft } = await tenantWithDrafts();
    const spare = await one<{ id: string }>(
      database.db,
      sql`INSERT INTO customer_accounts (tenant_id, external_id, name, currency, country)
          VALUES (${t.tenantId}, 'racing-' || gen_random_uuid(), 'Racing', 'EUR', 'DE') RETURNING id::text`,
    );
    // an invoice for the spare account stays uncommitted while the account is deleted: on Postgres the delete waits
    // for it (the SHARE lock on invoices), on PGlite it queues behind it
    const refusal = await raceAgainstOpenInsert(
      database.db,
      sql`INSERT INTO invoices (tenant_id, billing_run_id, origin_run_id, account_id, type, status, currency, invoice_date,
          due_date, net_total, tax_total, gross_total, lines_count, buyer)
        VALUES (${t.tenantId}, ${draft.run_id}::uuid, ${draft.run_id}::uuid, ${spare.id}::uuid, 'INVOICE', 'DRAFT', 'EUR', '2026-12-01',
          '2026-12-31', 0, 0, 0, 0, '{}'::jsonb)`,
      () => dbError(database.db.execute(sql`DELETE FROM customer_accounts WHERE id = ${spare.id}::uuid`)),
    );
    expect(refusal).toMatch(/customer_accounts .* is referenced by invoices/);
    const left = await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM customer_accounts WHERE id = ${spare.id}::uuid`);
    expect(left.n).toBe(1);
  });

  it("deleting a draft invoice takes its VAT breakdown and status history with it", async () => {
    const { draft } = await tenantWithDrafts();
    const children = async () =>
      one<{ subtotals: number; history: number }>(
        database.db,
        sql`SELECT (SELECT count(*) FROM invoice_tax_subtotals WHERE invoice_id = ${draft.id}::uuid)::int AS subtotals,
                   (SELECT count(*) FROM invoice_status_history WHERE invoice_id = ${draft.id}::uuid)::int AS history`,
      );
    expect(await children()).toEqual({ subtotals: expect.any(Number), history: 1 });
    expect((await children()).subtotals).toBeGreaterThan(0);
    await database.db.execute(sql`DELETE FROM invoices WHERE id = ${draft.id}::uuid`);
    expect(await children()).toEqual({ subtotals: 0, history: 0 });
  });
});
