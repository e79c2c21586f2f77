import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, raceAgainstOpenInsert, waitForInlineJobs, type TestTenant } from "./billing-support";

// The lines stage reads each account's items from its "open from" mark (account_item_marks, migrations 0014 and 0028)
// up to the cut-off. Nothing billable may fall below a mark: late-loaded, re-dated and re-opened items lower it, filtered runs
// never raise it, and concurrent inserts and runs meet at the mark's row lock. Seeded usage dates: 2026-10-01 … 11-14.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } } });
});
afterAll(() => database?.close());

async function processToEnd(t: TestTenant, id: string) {
  await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  return t.caller.billingRuns.get({ id });
}

async function billRun(t: TestTenant, input: Parameters<TestTenant["caller"]["billingRuns"]["create"]>[0]) {
  const { id } = await t.caller.billingRuns.create(input);
  const run = await processToEnd(t, id);
  expect(run.status).toBe("DRAFTS_READY");
  return run;
}

const exceptional = (cutoffDate: string, filter: Record<string, unknown>) => ({
  type: "EXCEPTIONAL" as const,
  invoiceDate: cutoffDate,
  cutoffDate,
  filter,
});

/** An item like the tenant's first one, for the given account, dated `usageDate`; returns its id. */
async function loadItem(t: TestTenant, externalId: string, usageDate: string, accountId?: string) {
  const [row] = await queryRows<{ id: number }>(
    database.db,
    sql`INSERT INTO rated_items (tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount,
          currency, usage_date, external_id)
        SELECT tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount, currency,
          ${usageDate}::date, ${externalId}
        FROM rated_items WHERE tenant_id = ${t.tenantId} ${accountId ? sql`AND account_id = ${accountId}::uuid` : sql``}
        ORDER BY id LIMIT 1
        RETURNING id`,
  );
  return Number(row.id);
}

const claimOf = (itemId: number) =>
  one<{ run: string | null }>(database.db, sql`SELECT (SELECT billing_run_id::text FROM rated_item_claims WHERE rated_item_id = ${itemId}) AS run`);

/** Open items before the cut-off, and how many of them are claimed (never more than once: the claim is the key). */
async function coverage(t: TestTenant, cutoff: string) {
  return one<{ eligible: number; claimed: number; unclaimed: number }>(
    database.db,
    sql`SELECT count(*)::int AS eligible, count(c.rated_item_id)::int AS claimed, (count(*) - count(c.rated_item_id))::int AS unclaimed
        FROM rated_items r LEFT JOIN rated_item_claims c ON c.rated_item_id = r.id
        WHERE r.tenant_id = ${t.tenantId} AND r.status = 'OPEN' AND r.usage_date < ${cutoff}::date`,
  );
}

/** Claimed items above their account's claimed_through (migration 0027): the lines stage would not see their claim. */
async function claimedAboveMarks(t: TestTenant) {
  const { n } = await one<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM rated_item_claims c JOIN rated_items r ON r.id = c.rated_item_id
        JOIN account_item_marks m ON m.tenant_id = r.tenant_id AND m.account_id = r.account_id
        WHERE r.tenant_id = ${t.tenantId} AND r.id > coalesce(m.claimed_through, 0)`,
  );
  return n;
}

/**
 * Unclaimed open items the lines stage would not read: dated before their account's open_from, or at or below its
 * claimed_through and dated before its probe_from (migration 0028: before probe_from only items above claimed_through
 * are read).
 */
async function unclaimedBelowMarks(t: TestTenant) {
  const { n } = await one<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM rated_items r
        JOIN account_item_marks m ON m.tenant_id = r.tenant_id AND m.account_id = r.account_id
        WHERE r.tenant_id = ${t.tenantId} AND r.status = 'OPEN'
          AND NOT EXISTS (SELECT 1 FROM rated_item_claims c WHERE c.rated_item_id = r.id)
          AND (r.usage_date < m.open_from OR (r.id <= m.claimed_through AND r.usage_date < m.probe_from))`,
  );
  return n;
}

// Several whole runs per test: on a machine shared by many processes the first one (cold PGlite) can take ~30 s.
describe("open-from marks", { timeout: 120_000 }, () => {
  it("an item dated before an earlier run's cut-off but loaded after that run is billed by the next run", async () => {
    const t = await newTenant(database.db);
    const first = await billRun(t, cycleRun(t.billingCycleId));
    expect(first.itemsCount).toBeGreaterThan(0);
    const late = await loadItem(t, "LATE-1", "2026-10-15");
    // and an open item of the later period re-dated (onConflict=update) to before the first cut-off
    const [later] = await queryRows<{ id: number }>(
      database.db,
      sql`SELECT id FROM rated_items WHERE tenant_id = ${t.tenantId} AND usage_date >= '2026-11-01' ORDER BY id LIMIT 1`,
    );
    await database.db.execute(sql`UPDATE rated_items SET usage_date = '2026-10-20' WHERE id = ${later.id}`);
    expect(await unclaimedBelowMarks(t)).toBe(0);

    const second = await billRun(t, cycleRun(t.billingCycleId, { invoiceDate: "2026-11-02", cutoffDate: "2026-11-02" }));
    expect((await claimOf(late)).run).toBe(second.id);
    expect((await claimOf(Number(later.id))).run).toBe(second.id);
    expect(await coverage(t, "2026-11-02")).toMatchObject({ unclaimed: 0 });
    expect(await unclaimedBelowMarks(t)).toBe(0);
  });

  it("re-opened items (run canceled with REOPEN) are billed again; canceled items are not", async () => {
    const t = await newTenant(database.db);
    const first = await billRun(t, cycleRun(t.billingCycleId));
    await t.caller.billingRuns.cancel({ id: first.id, items: "REOPEN" });
    await waitForInlineJobs();
    expect(await unclaimedBelowMarks(t)).toBe(0);
    const second = await billRun(t, cycleRun(t.billingCycleId));
    expect(second.itemsCount).toBe(first.itemsCount);

    await t.caller.billingRuns.cancel({ id: second.id, items: "CANCEL" });
    await waitForInlineJobs();
    const third = await billRun(t, cycleRun(t.billingCycleId));
    expect(third.itemsCount).toBe(0);
  });

  it("runs filtered by charge type, subscription and account lose nothing for the runs after them", async () => {
    const t = await newTenant(database.db, { accounts: 9, items: 270 });
    const accounts = await queryRows<{ id: string; subscription_id: string }>(
      database.db,
      sql`SELECT a.id, s.id AS subscription_id FROM customer_accounts a JOIN subscriptions s ON s.account_id = a.id
          WHERE a.tenant_id = ${t.tenantId} ORDER BY a.id`,
    );
    const byType = await billRun(t, exceptional("2026-11-01", { chargeTypes: ["USAGE"] }));
    expect(await unclaimedBelowMarks(t)).toBe(0);
    const bySubscription = await billRun(t, exceptional("2026-11-01", { subscriptionIds: [accounts[0].subscription_id] }));
    const byAccount = await billRun(t, exceptional("2026-11-01", { accountIds: [accounts[1].id, accounts[2].id] }));
    expect(byType.itemsCount).toBeGreaterThan(0);
    expect(bySubscription.itemsCount).toBeGreaterThan(0);
    expect(byAccount.itemsCount).toBeGreaterThan(0);
    const rest = await billRun(t, cycleRun(t.billingCycleId));
    const { eligible, claimed, unclaimed } = await coverage(t, "2026-11-01");
    expect(unclaimed).toBe(0);
    expect(byType.itemsCount + bySubscription.itemsCount + byAccount.itemsCount + rest.itemsCount).toBe(eligible);
    expect(claimed).toBe(eligible);
    // every run, filtered or not, recorded its claims in the marks: the lines stage probes the claims only up to there
    expect(await claimedAboveMarks(t)).toBe(0);
    expect(await unclaimedBelowMarks(t)).toBe(0);
  });

  it("two runs racing on the same accounts bill every item exactly once", async () => {
    const t = await newTenant(database.db, { accounts: 12, items: 600 });
    const accounts = await queryRows<{ id: string }>(database.db, sql`SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId}`);
    const a = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    const b = await t.caller.billingRuns.create(exceptional("2026-11-01", { accountIds: accounts.map((x) => x.id) }));
    await Promise.all([t.caller.billingRuns.process({ id: a.id }), t.caller.billingRuns.process({ id: b.id })]);
    await waitForInlineJobs();
    const [ra, rb] = await Promise.all([t.caller.billingRuns.get({ id: a.id }), t.caller.billingRuns.get({ id: b.id })]);
    expect([ra.status, rb.status]).toEqual(["DRAFTS_READY", "DRAFTS_READY"]);
    const { eligible, unclaimed } = await coverage(t, "2026-11-01");
    expect(unclaimed).toBe(0);
    expect(ra.itemsCount + rb.itemsCount).toBe(eligible);
    expect(await unclaimedBelowMarks(t)).toBe(0);
  });

  // Real on Postgres (TEST_DB=pg): the run's chunk starts while the insert is uncommitted. PGlite serializes the two.
  it("an item inserted while a run claims its account is billed by that run or left open for the next", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 60 });
    await billRun(t, cycleRun(t.billingCycleId));
    const [account] = await queryRows<{ id: string }>(database.db, sql`SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY id LIMIT 1`);
    // dated after the first cut-off (so it lowers no mark) and before the racing run's
    const insert = sql`INSERT INTO rated_items (tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount,
          currency, usage_date, external_id)
        SELECT tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount, currency, '2026-11-20', 'RACE-1'
        FROM rated_items WHERE tenant_id = ${t.tenantId} AND account_id = ${account.id}::uuid ORDER BY id LIMIT 1`;
    const { id: racing } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { invoiceDate: "2026-12-01", cutoffDate: "2026-12-01" }));
    await raceAgainstOpenInsert(database.db, insert, () => processToEnd(t, racing));
    await waitForInlineJobs();
    const next = await billRun(t, cycleRun(t.billingCycleId, { invoiceDate: "2026-12-01", cutoffDate: "2026-12-01" }));
    const [item] = await queryRows<{ id: number }>(database.db, sql`SELECT id FROM rated_items WHERE tenant_id = ${t.tenantId} AND external_id = 'RACE-1'`);
    expect([racing, next.id]).toContain((await claimOf(Number(item.id))).run);
    expect(await coverage(t, "2026-12-01")).toMatchObject({ unclaimed: 0 });
    expect(await claimedAboveMarks(t)).toBe(0);
    expect(await unclaimedBelowMarks(t)).toBe(0);
  });
});
