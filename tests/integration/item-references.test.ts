import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorMessage } from "@/server/jobs/lifecycle";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { newTenant, one, raceAgainstOpenInsert } from "./billing-support";

// Rated items may only reference an account, subscription and charge of their own tenant — enforced by the
// database itself (statement-level checks, db/migrations/0004), whatever code writes them.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

type Refs = { account_id: string; subscription_id: string; charge_id: string };

async function refsOf(tenantId: string): Promise<Refs> {
  return one<Refs>(
    database.db,
    sql`SELECT s.account_id, s.id AS subscription_id, (SELECT id FROM charges WHERE tenant_id = ${tenantId} LIMIT 1) AS charge_id
        FROM subscriptions s WHERE s.tenant_id = ${tenantId} LIMIT 1`,
  );
}

const insertItems = (tenantId: string, rows: Refs[]) =>
  database.db.execute(sql`INSERT INTO rated_items (tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price,
      amount, currency, usage_date, external_id)
    SELECT ${tenantId}, r.account_id::uuid, r.subscription_id::uuid, r.charge_id::uuid, 'test', 1, 1, 1, 'EUR', '2026-10-01',
      'ref-test-' || gen_random_uuid()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(account_id text, subscription_id text, charge_id text)`);

/** The database's own message (drizzle wraps it in "Failed query: …"). */
const dbError = (query: Promise<unknown>) => query.then(() => "no error", errorMessage);

describe("rated item references", () => {
  it("accepts items whose references are the tenant's own, refuses any row pointing at another tenant's", async () => {
    const a = await newTenant(database.db, { accounts: 2, items: 10 });
    const b = await newTenant(database.db, { accounts: 2, items: 10 });
    const mine = await refsOf(a.tenantId);
    const theirs = await refsOf(b.tenantId);
    const count = async () =>
      (await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM rated_items WHERE tenant_id = ${a.tenantId}`)).n;
    const before = await count();

    await insertItems(a.tenantId, [mine, mine]);
    expect(await count()).toBe(before + 2);

    for (const bad of [
      { ...mine, account_id: theirs.account_id },
      { ...mine, subscription_id: theirs.subscription_id },
      { ...mine, charge_id: theirs.charge_id },
    ]) {
      // one bad row among good ones: the whole statement is refused
      expect(await dbError(insertItems(a.tenantId, [mine, bad, mine]))).toMatch(/references (account|subscription|charge) .* that tenant/);
    }
    expect(await count()).toBe(before + 2);
  });

  it("an item's references cannot be changed, and a referenced account or charge cannot be removed", async () => {
    const a = await newTenant(database.db, { accounts: 2, items: 10 });
    const b = await newTenant(database.db, { accounts: 2, items: 10 });
    const theirs = await refsOf(b.tenantId);
    expect(
      await dbError(database.db.execute(sql`UPDATE rated_items SET account_id = ${theirs.account_id}::uuid WHERE tenant_id = ${a.tenantId}`)),
    ).toMatch(/cannot be changed/);
    // status changes (cancel) are fine
    await database.db.execute(sql`UPDATE rated_items SET status = 'CANCELED' WHERE id = (SELECT min(id) FROM rated_items WHERE tenant_id = ${a.tenantId})`);

    const used = await one<{ account_id: string; charge_id: string }>(
      database.db,
      sql`SELECT account_id, charge_id FROM rated_items WHERE tenant_id = ${a.tenantId} LIMIT 1`,
    );
    expect(await dbError(database.db.execute(sql`DELETE FROM customer_accounts WHERE id = ${used.account_id}::uuid`))).toMatch(
      /referenced by rated items/,
    );
    expect(await dbError(database.db.execute(sql`DELETE FROM charges WHERE id = ${used.charge_id}::uuid`))).toMatch(/referenced by rated items/);
    // an account without items can go
    const spare = await one<{ id: string }>(
      database.db,
      sql`INSERT INTO customer_accounts (tenant_id, external_id, name, currency, billing_cycle_id)
          SELECT tenant_id, 'spare', 'Spare', currency, billing_cycle_id FROM customer_accounts WHERE id = ${used.account_id}::uuid
          RETURNING id`,
    );
    await database.db.execute(sql`DELETE FROM customer_accounts WHERE id = ${spare.id}::uuid`);
  });

  it("a delete racing an insert of items that reference the account waits for it and is refused", async () => {
    const a = await newTenant(database.db, { accounts: 2, items: 10 });
    const refs = await refsOf(a.tenantId);
    const spare = await one<{ id: string }>(
      database.db,
      sql`INSERT INTO customer_accounts (tenant_id, external_id, name, currency, billing_cycle_id)
          SELECT tenant_id, 'racing', 'Racing', currency, billing_cycle_id FROM customer_accounts WHERE id = ${refs.account_id}::uuid
          RETURNING id`,
    );
    // an item for the spare account stays uncommitted while the account is deleted: on Postgres the delete waits for
    // it (the SHARE lock), on PGlite it queues behind it
    const refusal = await raceAgainstOpenInsert(
      database.db,
      sql`INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency,
          usage_date, external_id)
        VALUES (${a.tenantId}, ${spare.id}::uuid, ${refs.charge_id}::uuid, 'race', 1, 1, 1, 'EUR', '2026-10-01', 'race-1')`,
      () => dbError(database.db.execute(sql`DELETE FROM customer_accounts WHERE id = ${spare.id}::uuid`)),
    );
    expect(refusal).toMatch(/referenced by rated items/);
    const item = await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM rated_items WHERE external_id = 'race-1'`);
    expect(item.n).toBe(1);
  });
});
