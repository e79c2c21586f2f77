import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { runStatistics } from "@/server/billing/statistics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, waitForInlineJobs } from "./billing-support";

// Per-account failures never fail the run; Retry failed bills exactly those accounts. Statistics report.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe("per-account failures and statistics", () => {
  it("a mixed-currency account is recorded as failed, its items stay OPEN, the run completes; retry bills it", async () => {
    const t = await newTenant(database.db, { accounts: 6, items: 120 });
    const bad = await one<{ id: string; currency: string }>(
      database.db,
      sql`SELECT id, currency FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 1`,
    );
    await database.db.execute(sql`
      INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
      SELECT ${t.tenantId}, ${bad.id}::uuid, id, 'Imported usage', 1, 12.5, 12.5, ${bad.currency === "EUR" ? "USD" : "EUR"}, '2026-10-15', 'BAD-1'
      FROM charges WHERE tenant_id = ${t.tenantId} AND code = 'API-CALLS'`);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();
    const run = await t.caller.billingRuns.get({ id });
    expect(run.status).toBe("DRAFTS_READY");
    expect(run.hasFailures).toBe(true);
    expect(run.failedAccountsCount).toBe(1);
    expect(run.invoicesCount).toBe(5);
    expect(run.availableActions).toContain("RETRY_FAILED");
    const list = await t.caller.billingRuns.list({});
    expect(list.rows.find((r) => r.id === id)?.hasFailures).toBe(true);
    const failures = await t.caller.billingRuns.failures({ id });
    expect(failures).toEqual([
      expect.objectContaining({ accountId: bad.id, step: "LINES", reason: expect.stringMatching(/Mixed currencies/) }),
    ]);
    const open = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM rated_item_states WHERE account_id = ${bad.id}::uuid AND status = 'OPEN' AND billing_run_id IS NULL`,
    );
    expect(open.n).toBeGreaterThan(1);
    const exec = await t.caller.billingRuns.executions({ id });
    expect(exec.find((e) => e.kind === "LINES")?.log.some((l) => l.level === "warn" && /1 accounts failed/.test(l.message))).toBe(true);

    // fix the data, retry: a new exceptional run for exactly that account
    await database.db.execute(sql`DELETE FROM rated_items WHERE external_id = 'BAD-1' AND tenant_id = ${t.tenantId}`);
    const retry = await t.caller.billingRuns.retryFailed({ id });
    const r = await t.caller.billingRuns.get({ id: retry.id });
    expect(r.type).toBe("EXCEPTIONAL");
    expect(r.filter).toEqual({ accountIds: [bad.id] });
    expect(r.sourceRunId).toBe(id);
    await t.caller.billingRuns.process({ id: retry.id });
    await waitForInlineJobs();
    const done = await t.caller.billingRuns.get({ id: retry.id });
    expect(done.status).toBe("DRAFTS_READY");
    expect(done.invoicesCount).toBe(1);
    expect(done.hasFailures).toBe(false);
  });

  it("statistics: counts, amounts per currency, charge types, tops, signs, change against the previous run of the cycle", async () => {
    const t = await newTenant(database.db, { accounts: 8, items: 240, creditEvery: 5 });
    const first = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate: "2026-10-20", mode: "AUTO_POST" }));
    await t.caller.billingRuns.process({ id: first.id });
    await waitForInlineJobs();
    const second = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate: "2026-12-01", invoiceDate: "2026-12-01", mode: "MANUAL" }));
    await t.caller.billingRuns.process({ id: second.id });
    await waitForInlineJobs();
    // pre-invoicing: lines exist, no invoices yet
    const stats = await t.caller.billingRuns.statistics({ id: second.id });
    const run = await t.caller.billingRuns.get({ id: second.id });
    expect(stats.counts).toMatchObject({ accounts: 8, subscriptions: 8, items: run.itemsCount, lines: run.linesCount });
    expect(stats.amounts.map((a) => a.currency).sort()).toEqual(["EUR", "USD"]);
    for (const a of stats.amounts) {
      expect(a.gross).toBe((Number(a.net) + Number(a.tax)).toFixed(2));
      expect(run.totals[a.currency]).toEqual({ net: a.net, tax: a.tax, gross: a.gross });
    }
    expect(new Set(stats.byChargeType.map((c) => c.chargeType))).toEqual(new Set(["ONE_SHOT", "RECURRING", "USAGE"]));
    expect(stats.top.accounts.length).toBe(8);
    expect(stats.top.charges.length).toBeGreaterThan(0);
    expect(stats.top.subscriptions.length).toBe(8);
    // tops are ranked per currency (EUR and USD amounts are not comparable): the first two of each, biggest first
    const tops = await runStatistics(database.db, t.tenantId, second.id, { top: 2 });
    for (const list of [
      tops.top.accounts.map((r) => ({ currency: r.currency, amount: r.net })),
      tops.top.subscriptions.map((r) => ({ currency: r.currency, amount: r.amount })),
      tops.top.charges.map((r) => ({ currency: r.currency, amount: r.net })),
    ]) {
      expect(list.map((r) => r.currency)).toEqual(["EUR", "EUR", "USD", "USD"]);
      for (const currency of ["EUR", "USD"]) {
        const amounts = list.filter((r) => r.currency === currency).map((r) => Number(r.amount));
        expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
      }
    }
    // items and per-subscription amounts are this run's claimed items only (the first run billed the earlier ones)
    const claimed = await queryRows<{ id: string; amount: string; n: number }>(
      database.db,
      sql`SELECT r.subscription_id::text AS id, sum(r.amount)::text AS amount, count(*)::int AS n
          FROM rated_item_claims c JOIN rated_items r ON r.id = c.rated_item_id
          WHERE c.billing_run_id = ${second.id}::uuid GROUP BY r.subscription_id`,
    );
    const bySubscription = new Map(claimed.map((r) => [r.id, r]));
    expect([...bySubscription.values()].reduce((sum, r) => sum + r.n, 0)).toBe(stats.counts.items);
    for (const s of stats.top.subscriptions) expect(s.amount).toBe(bySubscription.get(s.subscriptionId)?.amount);
    expect(stats.invoiceSigns.source).toBe("lines");
    expect(stats.invoiceSigns.positive + stats.invoiceSigns.negative + stats.invoiceSigns.zero).toBe(8);
    expect(stats.changeVsPrevious.previousRun?.id).toBe(first.id);
    const moves = stats.changeVsPrevious.rows.map((r) => Math.abs(Number(r.change)));
    expect(moves.length).toBeGreaterThan(0);
    expect(moves).toEqual([...moves].sort((a, b) => b - a));
    // after invoicing, signs come from the invoices
    await t.caller.billingRuns.process({ id: second.id });
    await waitForInlineJobs();
    const after = await t.caller.billingRuns.statistics({ id: second.id });
    expect(after.invoiceSigns.source).toBe("invoices");
    expect(after.counts.invoices.DRAFT + after.counts.invoices.SUSPECT + after.counts.invoices.REJECTED).toBe(8);
  });
});

describe("validation rules", () => {
  it("seeded defaults: amount above threshold and change > 50 % against the previous posted invoice → SUSPECT with reasons", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 60 });
    const first = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate: "2026-10-20", mode: "AUTO_POST" }));
    await t.caller.billingRuns.process({ id: first.id });
    await waitForInlineJobs();
    const target = await one<{ id: string }>(
      database.db,
      sql`SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 1`,
    );
    await database.db.execute(sql`
      INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
      SELECT ${t.tenantId}, ${target.id}::uuid, id, 'Big usage', 1, 20000, 20000, (SELECT currency FROM customer_accounts WHERE id = ${target.id}::uuid),
        '2026-10-25', 'BIG-1'
      FROM charges WHERE tenant_id = ${t.tenantId} AND code = 'API-CALLS'`);
    const second = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate: "2026-11-01" }));
    await t.caller.billingRuns.process({ id: second.id });
    await waitForInlineJobs();
    const suspect = await t.caller.invoices.list({ runId: second.id, status: ["SUSPECT"] });
    const row = suspect.rows.find((r) => r.accountId === target.id)!;
    expect(row.reason).toMatch(/Total above 10,000/);
    expect(row.reason).toMatch(/Changed by more than 50 %.*\(\+\d+(\.\d)? %\)/);
    // every matched rule's reason, nothing else
    const reasons = row.reason!.split("; ").sort();
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/^Changed by more than 50 % against the previous posted invoice \(\+\d+(\.\d)? %\)$/);
    expect(reasons[1]).toBe("Total above 10,000");
    expect(row.status).toBe("SUSPECT");
    // rules are per tenant and can be disabled
    await database.db.execute(sql`UPDATE validation_rules SET enabled = false WHERE tenant_id = ${t.tenantId} AND kind = 'CHANGE_PERCENT'`);
    const third = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate: "2026-12-01", invoiceDate: "2026-12-01" }));
    await t.caller.billingRuns.process({ id: third.id });
    await waitForInlineJobs();
    const all = await t.caller.invoices.list({ runId: third.id });
    expect(all.rows.every((r) => !r.reason?.includes("Changed by"))).toBe(true);
  });

  it("the change rule compares with the account's latest posted invoice, not an older one", async () => {
    const t = await newTenant(database.db, { accounts: 2, items: 0 });
    const target = await one<{ id: string; currency: string }>(
      database.db,
      sql`SELECT id, currency FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 1`,
    );
    const item = (externalId: string, amount: number, usageDate: string) =>
      database.db.execute(sql`
        INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
        SELECT ${t.tenantId}, ${target.id}::uuid, id, 'Usage', 1, ${amount}, ${amount}, ${target.currency}, ${usageDate}::date, ${externalId}
        FROM charges WHERE tenant_id = ${t.tenantId} AND code = 'API-CALLS'`);
    const runTo = async (cutoffDate: string, mode: "AUTO_POST" | "REVIEW") => {
      const run = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate, invoiceDate: cutoffDate, mode }));
      await t.caller.billingRuns.process({ id: run.id });
      await waitForInlineJobs();
      const { rows } = await t.caller.invoices.list({ runId: run.id });
      return rows.find((r) => r.accountId === target.id)!;
    };
    await item("SMALL", 100, "2026-10-05");
    expect((await runTo("2026-10-10", "AUTO_POST")).status).toBe("POSTED");
    await item("BIG-1", 5000, "2026-10-15");
    const second = await runTo("2026-10-20", "AUTO_POST"); // +4900 % against the first: flagged, and posted (AUTO_POST posts warnings)
    expect(second.status).toBe("POSTED");
    expect(second.reason).toMatch(/Changed by more than 50 %/);
    await item("BIG-2", 5200, "2026-10-25");
    const third = await runTo("2026-10-30", "REVIEW"); // +4 % against the second, +5100 % against the first
    expect(third.status).toBe("DRAFT");
    expect(third.reason).toBeNull();
  });
});
