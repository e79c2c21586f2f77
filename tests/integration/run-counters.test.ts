import { configureRuntime, setFaultInjector } from "@/tests/support/runtime";
import Decimal from "decimal.js";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, waitForInlineJobs, type TestTenant } from "./billing-support";

// The run's line counters (lines, items, accounts, line totals) are kept up to date by the chunks that add or remove
// lines; here they are checked against a recount of the run's lines from scratch after every kind of change.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } } });
});
afterEach(() => setFaultInjector(null));
afterAll(() => database?.close());

type Counters = { lines: number; items: number; accounts: number; totals: Record<string, { net: string; tax: string; gross: string }> };

/** The counters as stored on the run. */
async function stored(runId: string): Promise<Counters & { shown: Counters["totals"] }> {
  return one(
    database.db,
    sql`SELECT lines_count AS lines, items_count AS items, accounts_count AS accounts, line_totals AS totals, totals AS shown
        FROM billing_runs WHERE id = ${runId}::uuid`,
  );
}

/** The same counters recounted from the run's lines (VAT rounded per account, currency, category and rate). */
async function recounted(runId: string): Promise<Counters> {
  return one(
    database.db,
    sql`SELECT (SELECT count(*)::int FROM invoice_lines WHERE billing_run_id = ${runId}::uuid) AS lines,
          (SELECT coalesce(sum(items_count), 0)::int FROM invoice_lines WHERE billing_run_id = ${runId}::uuid) AS items,
          (SELECT count(DISTINCT account_id)::int FROM invoice_lines WHERE billing_run_id = ${runId}::uuid) AS accounts,
          (SELECT coalesce(jsonb_object_agg(currency, jsonb_build_object('net', net::text, 'tax', tax::text, 'gross', (net + tax)::text)), '{}'::jsonb)
           FROM (SELECT currency, sum(net) AS net, sum(tax) AS tax FROM (
             SELECT currency, sum(amount) AS net, round(sum(amount) * vat_rate / 100, currency_exponent(currency)) AS tax
             FROM invoice_lines WHERE billing_run_id = ${runId}::uuid GROUP BY account_id, currency, vat_category, vat_rate) r
           GROUP BY currency) c) AS totals`,
  );
}

async function expectCountersExact(runId: string) {
  const want = await recounted(runId);
  const got = await stored(runId);
  expect({ lines: got.lines, items: got.items, accounts: got.accounts, totals: got.totals }).toEqual(want);
  return { got, want };
}

async function processRun(t: TestTenant, id: string) {
  await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  return t.caller.billingRuns.get({ id });
}

describe("run counters kept by the chunks", () => {
  it("equal a recount of the lines after lines (several chunks, credit notes), drafts and posting", async () => {
    const t = await newTenant(database.db, { accounts: 11, items: 330, creditEvery: 4 });
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "MANUAL" }));
    const lines = await processRun(t, id);
    expect(lines.status).toBe("LINES_CREATED");
    const { got, want } = await expectCountersExact(id);
    expect(want.accounts).toBe(11);
    expect(want.lines).toBeGreaterThan(11);
    // until the run has invoices it shows its lines' totals
    expect(got.shown).toEqual(want.totals);

    const drafts = await processRun(t, id);
    expect(drafts.status).toBe("DRAFTS_READY");
    const after = await expectCountersExact(id);
    // with invoices it shows theirs: the same amounts
    const invoiceTotals = await one<{ totals: Counters["totals"] }>(
      database.db,
      sql`SELECT jsonb_object_agg(currency, jsonb_build_object('net', net::text, 'tax', tax::text, 'gross', (net + tax)::text)) AS totals
          FROM (SELECT currency, sum(net_total) AS net, sum(tax_total) AS tax FROM invoices WHERE billing_run_id = ${id}::uuid GROUP BY currency) c`,
    );
    expect(Object.keys(invoiceTotals.totals).length).toBeGreaterThan(1);
    expect(after.got.shown).toEqual(invoiceTotals.totals);
    expect(after.got.shown).toEqual(want.totals);

    const posted = await processRun(t, id);
    expect(posted.status).toBe("POSTED");
    expect(posted.postedCount).toBe(11);
    await expectCountersExact(id);
  });

  it("a retried lines step that finds new items for an account that already has lines: VAT rounded over all its lines", async () => {
    const t = await newTenant(database.db, { accounts: 9, items: 180 });
    // domestic buyers only, so every chunk has lines with VAT (reverse-charged and exported lines have none)
    await database.db.execute(sql`UPDATE customer_accounts SET country = 'DE', vat_id = NULL WHERE tenant_id = ${t.tenantId}`);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "MANUAL" }));
    let fired = false;
    setFaultInjector(({ job, chunk }) => {
      if (!fired && job.kind === "LINES" && chunk.no === 0) {
        fired = true;
        throw new Error("injected crash after LINES chunk 0");
      }
    });
    expect((await processRun(t, id)).status).toBe("FAILED");
    await expectCountersExact(id);

    // An account of the committed chunk: one more item for a charge it already has a line for, with an amount whose
    // VAT rounds differently on its own than added to the line's (so summing per chunk would be off by a cent).
    const line = await one<{ account_id: string; charge_id: string; currency: string; vat_rate: string; sum: string }>(
      database.db,
      sql`SELECT l.account_id, l.charge_id, l.currency, l.vat_rate::text, (SELECT sum(amount) FROM invoice_lines x WHERE x.billing_run_id = l.billing_run_id
            AND x.account_id = l.account_id AND x.vat_category = l.vat_category AND x.vat_rate = l.vat_rate)::text AS sum
          FROM invoice_lines l WHERE l.billing_run_id = ${id}::uuid AND l.vat_rate > 0 ORDER BY l.id LIMIT 1`,
    );
    const tax = (d: Decimal) => d.times(line.vat_rate).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    let amount = new Decimal("0.01");
    while (tax(amount).plus(tax(new Decimal(line.sum))).equals(tax(amount.plus(line.sum)))) amount = amount.plus("0.01");
    await database.db.execute(sql`
      INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
      VALUES (${t.tenantId}, ${line.account_id}::uuid, ${line.charge_id}::uuid, 'late item', 1, ${amount.toFixed(2)}::numeric,
        ${amount.toFixed(2)}::numeric, ${line.currency}, '2026-10-30', 'late-item-1')`);

    const retried = await processRun(t, id);
    expect(retried.status).toBe("LINES_CREATED");
    const { want } = await expectCountersExact(id);
    expect(want.accounts).toBe(9);
    const lateLines = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM invoice_lines WHERE billing_run_id = ${id}::uuid AND account_id = ${line.account_id}::uuid
          AND charge_id = ${line.charge_id}::uuid`,
    );
    expect(lateLines.n).toBe(2);
  });

  it("zero-amount accounts skipped by the drafts step leave the counters", async () => {
    const t = await newTenant(database.db, { accounts: 7, items: 140 });
    await database.db.execute(sql`UPDATE rated_items SET unit_price = 0, amount = 0
      WHERE account_id IN (SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 2)`);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "REVIEW", skipZeroAmount: true }));
    const run = await processRun(t, id);
    expect(run.status).toBe("DRAFTS_READY");
    expect(run.invoicesCount).toBe(5);
    const { want } = await expectCountersExact(id);
    expect(want.accounts).toBe(5);
  });
});
