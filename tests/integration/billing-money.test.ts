import { configureRuntime } from "@/tests/support/runtime";
import Decimal from "decimal.js";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { errorMessage } from "@/server/jobs/lifecycle";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, waitForInlineJobs, type TestTenant } from "./billing-support";

// Money invariants, computed independently in JS with decimal.js from the raw rated items.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 4 } } });
});
afterAll(() => database?.close());

const halfUp = (d: Decimal, places: number) => d.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);

type Item = { id: number; account_id: string; subscription_id: string | null; charge_id: string; amount: string; unit_price: string; usage_date: string; vat_category: string; vat_rate: string };

async function items(t: TestTenant, cutoff: string) {
  return queryRows<Item>(
    database.db,
    // The seed's VAT, written out: the German seller bills German buyers at 19 % (the seed's standard charges), the
    // business buyers in FR, NL, ES and IT (all with VAT ids) by reverse charge, US and CA buyers outside the EU (O);
    // the training charge is exempt everywhere.
    sql`SELECT r.id::int, r.account_id, r.subscription_id, r.charge_id, r.amount::text, r.unit_price::text, r.usage_date::text,
          CASE WHEN ch.tax_class = 'EXEMPT' THEN 'E' WHEN a.country = 'DE' THEN 'S'
               WHEN a.country IN ('FR', 'NL', 'ES', 'IT') AND a.vat_id IS NOT NULL THEN 'AE' ELSE 'O' END AS vat_category,
          CASE WHEN ch.tax_class <> 'EXEMPT' AND a.country = 'DE' THEN '19' ELSE '0' END AS vat_rate
        FROM rated_items r JOIN charges ch ON ch.id = r.charge_id JOIN customer_accounts a ON a.id = r.account_id
        WHERE r.tenant_id = ${t.tenantId} AND r.usage_date < ${cutoff}::date`,
  );
}

/** Expected invoices per account: lines rounded once, VAT per (category, rate) breakdown. */
function expected(rows: Item[], key: (i: Item) => string) {
  const lines = new Map<string, { account: string; cat: string; rate: string; sum: Decimal }>();
  for (const i of rows) {
    const k = `${i.account_id}|${key(i)}`;
    const line = lines.get(k) ?? { account: i.account_id, cat: i.vat_category, rate: i.vat_rate, sum: new Decimal(0) };
    line.sum = line.sum.plus(i.amount);
    lines.set(k, line);
  }
  const breakdowns = new Map<string, { account: string; rate: string; taxable: Decimal }>();
  for (const l of lines.values()) {
    const k = `${l.account}|${l.cat}|${l.rate}`;
    const b = breakdowns.get(k) ?? { account: l.account, rate: l.rate, taxable: new Decimal(0) };
    b.taxable = b.taxable.plus(halfUp(l.sum, 2));
    breakdowns.set(k, b);
  }
  const invoices = new Map<string, { net: Decimal; tax: Decimal }>();
  for (const b of breakdowns.values()) {
    const inv = invoices.get(b.account) ?? { net: new Decimal(0), tax: new Decimal(0) };
    inv.net = inv.net.plus(b.taxable);
    inv.tax = inv.tax.plus(halfUp(b.taxable.times(b.rate).div(100), 2));
    invoices.set(b.account, inv);
  }
  return { lines: lines.size, invoices };
}

async function postRun(t: TestTenant, overrides: Record<string, unknown> = {}) {
  const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST", ...overrides }));
  await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  return t.caller.billingRuns.get({ id });
}

describe("money", () => {
  it("posted totals = billed items rounded per line + VAT per breakdown; items after the cut-off are untouched", async () => {
    const t = await newTenant(database.db, { accounts: 12, items: 400, creditEvery: 7 });
    const eligible = await items(t, "2026-11-01");
    const run = await postRun(t);
    expect(run.status).toBe("POSTED");
    // credits are lines of their own, never netted into the charge's line
    const want = expected(eligible, (i) => `${i.charge_id}|${i.amount.startsWith("-") ? "CREDIT" : "CHARGE"}`);
    expect(run.linesCount).toBe(want.lines);
    expect(run.itemsCount).toBe(eligible.length);

    const got = await queryRows<{ account_id: string; net: string; tax: string; gross: string; type: string }>(
      database.db,
      sql`SELECT account_id, net_total::text AS net, tax_total::text AS tax, gross_total::text AS gross, type FROM invoices
          WHERE billing_run_id = ${run.id}::uuid AND status = 'POSTED'`,
    );
    expect(got.length).toBe(want.invoices.size);
    let sumGross = new Decimal(0);
    let wantGross = new Decimal(0);
    for (const inv of got) {
      const w = want.invoices.get(inv.account_id)!;
      expect(inv.net).toBe(w.net.toFixed(2));
      expect(inv.tax).toBe(w.tax.toFixed(2));
      expect(new Decimal(inv.gross).equals(w.net.plus(w.tax))).toBe(true);
      expect(inv.type).toBe(w.net.isNegative() ? "CREDIT_NOTE" : "INVOICE");
      sumGross = sumGross.plus(inv.gross);
      wantGross = wantGross.plus(w.net).plus(w.tax);
    }
    expect(sumGross.equals(wantGross)).toBe(true);
    // each invoice's totals equal the sum of its lines plus its VAT breakdown
    const mismatch = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM invoices i
          WHERE i.billing_run_id = ${run.id}::uuid AND (
            i.net_total <> (SELECT sum(amount) FROM invoice_lines l WHERE l.billing_run_id = i.origin_run_id AND l.account_id = i.account_id)
            OR i.tax_total <> (SELECT sum(tax_amount) FROM invoice_tax_subtotals s WHERE s.invoice_id = i.id)
            OR i.net_total <> (SELECT sum(taxable_amount) FROM invoice_tax_subtotals s WHERE s.invoice_id = i.id))`,
    );
    expect(mismatch.n).toBe(0);
    // items on or after the cut-off: unclaimed and OPEN
    const late = await one<{ total: number; claimed: number; open: number }>(
      database.db,
      sql`SELECT count(*)::int AS total, count(c.rated_item_id)::int AS claimed, count(*) FILTER (WHERE s.status = 'OPEN')::int AS open
          FROM rated_items r LEFT JOIN rated_item_claims c ON c.rated_item_id = r.id JOIN rated_item_states s ON s.id = r.id
          WHERE r.tenant_id = ${t.tenantId} AND r.usage_date >= '2026-11-01'`,
    );
    expect(late.total).toBeGreaterThan(0);
    expect(late.claimed).toBe(0);
    expect(late.open).toBe(late.total);
    const billed = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM rated_item_states WHERE tenant_id = ${t.tenantId} AND status = 'BILLED'`,
    );
    expect(billed.n).toBe(eligible.length);
    // a later run bills the rest, never twice
    const next = await postRun(t, { cutoffDate: "2027-01-01", invoiceDate: "2026-12-01" });
    expect(next.itemsCount).toBe(late.total);
  });

  it("numbers are gapless per type and follow the tenant's format; posted invoices are immutable in the database", async () => {
    const t = await newTenant(database.db, { accounts: 9, items: 300, creditEvery: 2 });
    await database.db.execute(sql`UPDATE tenant_profiles SET invoice_number_format = 'F{YYYY}/{SEQ:4}', credit_note_number_format = 'CR-{SEQ:3}'
      WHERE tenant_id = ${t.tenantId}`);
    const run = await postRun(t);
    const rows = await queryRows<{ type: string; number: string; id: string }>(
      database.db,
      sql`SELECT type, number, id FROM invoices WHERE billing_run_id = ${run.id}::uuid ORDER BY type, number`,
    );
    const inv = rows.filter((r) => r.type === "INVOICE").map((r) => r.number);
    const cn = rows.filter((r) => r.type === "CREDIT_NOTE").map((r) => r.number);
    expect(inv.length + cn.length).toBe(9);
    expect(inv).toEqual(inv.map((_, i) => `F2026/${String(i + 1).padStart(4, "0")}`));
    expect(cn).toEqual(cn.map((_, i) => `CR-${String(i + 1).padStart(3, "0")}`));

    const id = rows[0].id;
    await expect(database.db.execute(sql`UPDATE invoices SET net_total = 0, gross_total = tax_total WHERE id = ${id}::uuid`)).rejects.toThrow();
    await expect(database.db.execute(sql`DELETE FROM invoices WHERE id = ${id}::uuid`)).rejects.toThrow();
    await expect(
      database.db.execute(sql`UPDATE invoice_lines SET amount = 0 WHERE billing_run_id = ${run.id}::uuid`),
    ).rejects.toThrow();
    await expect(database.db.execute(sql`DELETE FROM rated_item_claims WHERE billing_run_id = ${run.id}::uuid`)).rejects.toThrow();
    const subtotal = database.db.execute(sql`INSERT INTO invoice_tax_subtotals (invoice_id, tenant_id, vat_category, vat_rate, taxable_amount, tax_amount)
        VALUES (${id}::uuid, ${t.tenantId}, 'Z', 0, 0, 0)`);
    expect(await subtotal.then(() => "inserted", errorMessage)).toMatch(/VAT breakdown of a posted invoice/);
  });

  it("aggregation settings: by subscription, by unit price, by day — one line per group, same money", async () => {
    const t = await newTenant(database.db, { accounts: 5, items: 250 });
    const eligible = await items(t, "2026-11-01");
    const run = await postRun(t, { groupBySubscription: true, splitByUnitPrice: true, dateAggregation: "DAY" });
    const want = expected(eligible, (i) => `${i.charge_id}|${i.subscription_id}|${new Decimal(i.unit_price).toString()}|${i.usage_date}`);
    expect(run.linesCount).toBe(want.lines);
    const total = await one<{ net: string }>(
      database.db,
      sql`SELECT sum(net_total)::text AS net FROM invoices WHERE billing_run_id = ${run.id}::uuid`,
    );
    const wantNet = [...want.invoices.values()].reduce((a, b) => a.plus(b.net), new Decimal(0));
    expect(new Decimal(total.net).equals(wantNet)).toBe(true);
    const line = await one<{ description: string; unit_price: string | null; subscription_id: string | null }>(
      database.db,
      sql`SELECT description, unit_price::text, subscription_id FROM invoice_lines WHERE billing_run_id = ${run.id}::uuid LIMIT 1`,
    );
    expect(line.description).toMatch(/\(2026-10-\d\d\)$/);
    expect(line.unit_price).not.toBeNull();
    expect(line.subscription_id).not.toBeNull();
  });

  it("skip zero-amount: no invoice, the items stay OPEN", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 30 });
    // one account's items are all free of charge
    await database.db.execute(sql`UPDATE rated_items SET unit_price = 0, amount = 0
      WHERE account_id = (SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 1)`);
    const run = await postRun(t, { skipZeroAmount: true });
    expect(run.postedCount).toBe(2);
    const open = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM rated_item_states s WHERE s.tenant_id = ${t.tenantId} AND s.status = 'OPEN'
          AND s.account_id = (SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 1)
          AND s.billing_run_id IS NULL`,
    );
    expect(open.n).toBeGreaterThan(0);
  });
});
