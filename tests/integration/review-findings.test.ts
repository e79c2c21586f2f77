import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, waitForInlineJobs, type TestTenant } from "./billing-support";

// Explained findings: each rule's match is stored with what it measured, its threshold and the previous value it
// compared with; the invoices list filters by rule; the invoice shows the comparison with the previous posted invoice.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } } });
});
afterAll(() => database?.close());

type FindingRow = {
  account: string;
  kind: string;
  severity: string;
  value: string | null;
  previous_value: string | null;
  change_percent: string | null;
  threshold: string | null;
  currency: string | null;
  previous_invoice_id: string | null;
  charge: string | null;
  message: string;
  status: string;
};

async function accounts(t: TestTenant) {
  return queryRows<{ id: string }>(database.db, sql`SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id`);
}

async function item(t: TestTenant, accountId: string, code: string, quantity: string, unitPrice: string, usageDate: string, externalId: string) {
  await database.db.execute(sql`
    INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
    SELECT ${t.tenantId}, ${accountId}::uuid, id, 'Usage', ${quantity}::numeric, ${unitPrice}::numeric, ${quantity}::numeric * ${unitPrice}::numeric,
      'EUR', ${usageDate}::date, ${externalId}
    FROM charges WHERE tenant_id = ${t.tenantId} AND code = ${code}`);
}

async function runTo(t: TestTenant, cutoffDate: string, mode: "AUTO_POST" | "REVIEW") {
  const run = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate, invoiceDate: cutoffDate, mode }));
  await t.caller.billingRuns.process({ id: run.id });
  await waitForInlineJobs();
  return run.id;
}

describe("explained findings", () => {
  it("stores each rule's finding with the measured value, threshold and previous value; filters by rule; compares line by line", async () => {
    const t = await newTenant(database.db, { accounts: 7, items: 0 });
    await database.db.execute(sql`UPDATE customer_accounts SET currency = 'EUR' WHERE tenant_id = ${t.tenantId}`);
    const saved = await t.caller.review.rules.save({
      rules: [
        { kind: "AMOUNT_ABOVE", severity: "SUSPECT", threshold: "1000", currency: "EUR" },
        { kind: "AMOUNT_ABOVE", severity: "SUSPECT", threshold: "1" },
        { kind: "CHANGE_PERCENT", severity: "SUSPECT", threshold: "50" },
        { kind: "USAGE_CHANGE_PERCENT", severity: "SUSPECT", threshold: "100" },
        { kind: "FIRST_INVOICE", severity: "SUSPECT" },
        { kind: "CREDIT_NOTE", severity: "REJECTED" },
        { kind: "ZERO_AMOUNT", severity: "SUSPECT" },
        { kind: "MISSING_BUYER_DATA", severity: "REJECTED" },
      ],
    });
    expect(saved.rules.find((r) => r.kind === "CREDIT_NOTE")?.severity).toBe("REJECTED");
    const acc = (await accounts(t)).map((a) => a.id);
    // month 1: every account but the last bills 100 EUR (10 × 10 API calls); posted
    for (let i = 0; i < 6; i++) await item(t, acc[i], "API-CALLS", "10", "10", "2026-10-05", `M1-${i}`);
    const first = await runTo(t, "2026-10-20", "AUTO_POST");
    const firstInvoices = await queryRows<{ account_id: string; id: string; status: string }>(
      database.db,
      sql`SELECT account_id, id, status FROM invoices WHERE billing_run_id = ${first}::uuid`,
    );
    expect(firstInvoices.map((i) => i.status)).toEqual(Array(6).fill("POSTED"));
    const previousOf = new Map(firstInvoices.map((i) => [i.account_id, i.id]));

    // month 2
    await item(t, acc[0], "API-CALLS", "10", "200", "2026-10-25", "M2-0"); // 2,000 net: above 1,000, +1900 %
    await item(t, acc[1], "API-CALLS", "30", "4", "2026-10-25", "M2-1"); // 120 net (+20 %), usage 30 against 10 (+200 %)
    await item(t, acc[2], "API-CALLS", "1", "-50", "2026-10-25", "M2-2"); // credit note of -50 (REJECTED), -150 %
    await item(t, acc[3], "API-CALLS", "1", "0", "2026-10-25", "M2-3"); // zero, -100 %
    await item(t, acc[4], "API-CALLS", "10", "10", "2026-10-25", "M2-4"); // unchanged, but the buyer has no city
    await database.db.execute(sql`UPDATE customer_accounts SET city = NULL WHERE id = ${acc[4]}::uuid`);
    await item(t, acc[5], "API-CALLS", "10", "10", "2026-10-25", "M2-5"); // unchanged: no finding
    await item(t, acc[6], "API-CALLS", "10", "10", "2026-10-25", "M2-6"); // the account's first invoice
    const second = await runTo(t, "2026-11-01", "REVIEW");

    const rows = await queryRows<FindingRow>(
      database.db,
      sql`SELECT i.account_id AS account, f.rule_kind AS kind, f.severity, f.value::text AS value, f.previous_value::text AS previous_value,
            f.change_percent::text AS change_percent, f.threshold::text AS threshold, f.currency, f.previous_invoice_id, ch.code AS charge,
            f.message, i.status
          FROM invoice_findings f JOIN invoices i ON i.id = f.invoice_id LEFT JOIN charges ch ON ch.id = f.charge_id
          WHERE i.billing_run_id = ${second}::uuid ORDER BY f.id`,
    );
    const of = (i: number) => rows.filter((r) => r.account === acc[i]).map(({ account: _a, ...r }) => r);
    const num = (v: string | null) => (v === null ? null : Number(v));

    const a0 = of(0);
    expect(a0.map((r) => r.kind).sort()).toEqual(["AMOUNT_ABOVE", "CHANGE_PERCENT"]);
    // gross: account 0 is a business buyer in another member state with a VAT id, so reverse charge (no VAT, server/tax)
    expect(a0.find((r) => r.kind === "AMOUNT_ABOVE")).toMatchObject({ severity: "SUSPECT", value: "2000.00", threshold: "1000", currency: "EUR", status: "SUSPECT" });
    expect(a0.find((r) => r.kind === "CHANGE_PERCENT")).toMatchObject({ value: "2000.00", threshold: "50", previous_invoice_id: previousOf.get(acc[0]) });
    expect(num(a0.find((r) => r.kind === "CHANGE_PERCENT")!.previous_value)).toBe(100);
    expect(num(a0.find((r) => r.kind === "CHANGE_PERCENT")!.change_percent)).toBe(1900);

    const a1 = of(1);
    expect(a1).toHaveLength(1);
    expect(a1[0]).toMatchObject({ kind: "USAGE_CHANGE_PERCENT", charge: "API-CALLS", threshold: "100", previous_invoice_id: previousOf.get(acc[1]) });
    expect([num(a1[0].value), num(a1[0].previous_value), num(a1[0].change_percent)]).toEqual([30, 10, 200]);
    expect(a1[0].message).toMatch(/API-CALLS 30 against 10 \(\+200\.0 %\)/);

    const a2 = of(2);
    expect(a2.map((r) => r.kind).sort()).toEqual(["CHANGE_PERCENT", "CREDIT_NOTE"]);
    expect(a2.find((r) => r.kind === "CREDIT_NOTE")).toMatchObject({ severity: "REJECTED", value: "-50.00", status: "REJECTED" });
    expect(num(a2.find((r) => r.kind === "CHANGE_PERCENT")!.change_percent)).toBe(-150);

    const a3 = of(3);
    expect(a3.map((r) => r.kind).sort()).toEqual(["CHANGE_PERCENT", "ZERO_AMOUNT"]);
    expect(num(a3.find((r) => r.kind === "ZERO_AMOUNT")!.value)).toBe(0);

    expect(of(4)).toEqual([expect.objectContaining({ kind: "MISSING_BUYER_DATA", severity: "REJECTED", message: "Buyer data missing: city", status: "REJECTED" })]);
    expect(of(5)).toEqual([]);
    expect(of(6)).toEqual([expect.objectContaining({ kind: "FIRST_INVOICE", value: "100.00", previous_value: "0", previous_invoice_id: null })]);

    // the list: badges per invoice and a filter by rule
    const usage = await t.caller.invoices.list({ runId: second, rule: "USAGE_CHANGE_PERCENT" });
    expect(usage.rows.map((r) => r.accountId)).toEqual([acc[1]]);
    expect(usage.rows[0].findings).toEqual([{ kind: "USAGE_CHANGE_PERCENT", severity: "SUSPECT", message: a1[0].message }]);
    expect((await t.caller.invoices.list({ runId: second, rule: "FIRST_INVOICE" })).rows.map((r) => r.accountId)).toEqual([acc[6]]);
    const clean = (await t.caller.invoices.list({ runId: second })).rows.find((r) => r.accountId === acc[5])!;
    expect(clean).toMatchObject({ status: "DRAFT", findings: [] });

    // the invoice page: findings and the line-by-line comparison with the previous posted invoice
    const detail = await t.caller.invoices.get({ id: usage.rows[0].id });
    expect(detail.findings[0]).toMatchObject({ kind: "USAGE_CHANGE_PERCENT", chargeCode: "API-CALLS" });
    expect(detail.comparison.previous?.id).toBe(previousOf.get(acc[1]));
    expect(detail.comparison.lines).toEqual([
      expect.objectContaining({ chargeCode: "API-CALLS", previousAmount: "100.00", amount: "120.00", change: "20.00", changePercent: "20.0" }),
    ]);
    expect([num(detail.comparison.lines[0].quantity), num(detail.comparison.lines[0].previousQuantity)]).toEqual([30, 10]);
    expect(detail.comparison.changePercent).toBe("20.0");
  });

  it("rules: a threshold is required where the rule measures one; OFF disables; saving is audited", async () => {
    const t = await newTenant(database.db, { accounts: 1, items: 0 });
    await expect(t.caller.review.rules.save({ rules: [{ kind: "CHANGE_PERCENT", severity: "SUSPECT" }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      t.caller.review.rules.save({ rules: [{ kind: "ZERO_AMOUNT", severity: "SUSPECT" }, { kind: "ZERO_AMOUNT", severity: "OFF" }] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const saved = await t.caller.review.rules.save({ rules: [{ kind: "CHANGE_PERCENT", severity: "OFF", threshold: "25" }] });
    expect(saved.rules.find((r) => r.kind === "CHANGE_PERCENT")).toEqual({ kind: "CHANGE_PERCENT", severity: "OFF", threshold: "25", currency: null });
    expect(saved.rules.find((r) => r.kind === "FIRST_INVOICE")?.severity).toBe("OFF");
    const enabled = await queryRows(database.db, sql`SELECT 1 FROM validation_rules WHERE tenant_id = ${t.tenantId} AND enabled`);
    expect(enabled).toHaveLength(0);
    const audit = await t.caller.review.audit.list({ entityType: "settings" });
    expect(audit.rows[0]).toMatchObject({ action: "settings.rules.update", actorType: "USER", actorId: t.userId });
    expect((audit.rows[0].after as { kind: string }[]).find((r) => r.kind === "CHANGE_PERCENT")).toMatchObject({ severity: "OFF" });
  });
});
