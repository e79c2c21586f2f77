import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { simulateRun, type SimulatedAccount } from "@/server/billing/simulation";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, waitForInlineJobs, type TestTenant } from "./billing-support";

// Simulation: what Process would produce (statistics, per-account totals, the change against the previous posted
// invoice, the findings) without claiming an item or writing a line or invoice — and exactly what Process then produces.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } } });
});
afterAll(() => database?.close());

/** Everything a run writes or moves: claims, lines, invoices, findings, failures, the accounts' marks, the items' states. */
async function footprint(t: TestTenant) {
  const [row] = await queryRows<Record<string, string>>(
    database.db,
    sql`SELECT (SELECT count(*) FROM rated_item_claims WHERE tenant_id = ${t.tenantId})::text AS claims,
          (SELECT count(*) FROM invoice_lines WHERE tenant_id = ${t.tenantId})::text AS lines,
          (SELECT count(*) FROM invoices WHERE tenant_id = ${t.tenantId})::text AS invoices,
          (SELECT count(*) FROM invoice_findings WHERE tenant_id = ${t.tenantId})::text AS findings,
          (SELECT count(*) FROM run_failures WHERE tenant_id = ${t.tenantId})::text AS failures,
          (SELECT string_agg(account_id::text || open_from::text, ',' ORDER BY account_id) FROM account_item_marks WHERE tenant_id = ${t.tenantId}) AS marks,
          (SELECT string_agg(status::text, ',' ORDER BY id) FROM rated_items WHERE tenant_id = ${t.tenantId}) AS items,
          (SELECT string_agg(status::text, ',' ORDER BY id) FROM billing_runs WHERE tenant_id = ${t.tenantId}) AS runs`,
  );
  return row;
}

async function accountIds(t: TestTenant) {
  const rows = await queryRows<{ id: string }>(database.db, sql`SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id`);
  return rows.map((r) => r.id);
}

/** The invoices Process created, as the simulation describes them. */
async function processedAccounts(runId: string) {
  return queryRows<Pick<SimulatedAccount, "accountId" | "currency" | "type" | "status" | "reason" | "net" | "tax" | "gross" | "lines">>(
    database.db,
    sql`SELECT account_id AS "accountId", currency, type, status, reason, net_total::text AS net, tax_total::text AS tax,
          gross_total::text AS gross, lines_count AS lines
        FROM invoices WHERE origin_run_id = ${runId}::uuid ORDER BY account_id`,
  );
}

async function processedFindings(runId: string) {
  return queryRows<Record<string, string | null>>(
    database.db,
    sql`SELECT i.account_id AS "accountId", f.rule_kind AS kind, f.severity, f.message, f.value::text AS value,
          f.previous_value::text AS "previousValue", f.change_percent::text AS "changePercent", f.threshold::text AS threshold,
          f.previous_invoice_id AS "previousInvoiceId"
        FROM invoice_findings f JOIN invoices i ON i.id = f.invoice_id WHERE i.origin_run_id = ${runId}::uuid
        ORDER BY i.account_id`,
  ).then((rows) => rows.sort(findingOrder));
}

const findingOrder = (x: Record<string, string | null>, y: Record<string, string | null>) =>
  `${x.accountId} ${x.kind} ${x.message}` < `${y.accountId} ${y.kind} ${y.message}` ? -1 : 1;

const simulatedFindings = (accounts: SimulatedAccount[]) =>
  accounts
    .flatMap((a) =>
      a.findings.map((f) => ({
        accountId: a.accountId,
        kind: f.kind,
        severity: f.severity,
        message: f.message,
        value: f.value,
        previousValue: f.previousValue,
        changePercent: f.changePercent,
        threshold: f.threshold,
        previousInvoiceId: f.previousInvoiceId,
      })),
    )
    .sort(findingOrder);

const byAccount = (accounts: SimulatedAccount[]) =>
  [...accounts]
    .sort((a, b) => (a.accountId < b.accountId ? -1 : 1))
    .map(({ accountId, currency, type, status, reason, net, tax, gross, lines }) => ({ accountId, currency, type, status, reason, net, tax, gross, lines }));

describe("run simulation", () => {
  it("writes nothing, respects holds, and equals what Process then produces, money and findings exactly", async () => {
    const t = await newTenant(database.db, { accounts: 8, items: 160, creditEvery: 7 });
    // month 1 posted: the previous invoices month 2 compares with
    const first = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate: "2026-10-20", invoiceDate: "2026-10-20", mode: "AUTO_POST" }));
    await t.caller.billingRuns.process({ id: first.id });
    await waitForInlineJobs();
    expect((await t.caller.billingRuns.get({ id: first.id })).status).toBe("POSTED");
    await t.caller.review.rules.save({
      rules: [
        { kind: "AMOUNT_ABOVE", severity: "SUSPECT", threshold: "50" },
        { kind: "CHANGE_PERCENT", severity: "SUSPECT", threshold: "10" },
        { kind: "USAGE_CHANGE_PERCENT", severity: "SUSPECT", threshold: "20" },
        { kind: "FIRST_INVOICE", severity: "SUSPECT" },
        { kind: "CREDIT_NOTE", severity: "REJECTED" },
        { kind: "MISSING_BUYER_DATA", severity: "REJECTED" },
      ],
    });
    const acc = await accountIds(t);
    await database.db.execute(sql`UPDATE customer_accounts SET city = NULL WHERE id = ${acc[1]}::uuid`);
    await t.caller.review.holds.place({ accountId: acc[2], reason: "disputed" });

    const form = cycleRun(t.billingCycleId, { cutoffDate: "2026-11-20", invoiceDate: "2026-11-20" });
    const before = await footprint(t);
    const preview = await t.caller.billingRuns.simulateNew(form);
    expect(await footprint(t)).toEqual(before);
    expect(preview.accounts.total).toBeGreaterThan(3);
    expect(preview.accounts.rows.map((a) => a.accountId)).not.toContain(acc[2]); // on hold: skipped
    expect(preview.held.accounts).toBe(1);
    expect(preview.counts.invoices.SUSPECT + preview.counts.invoices.REJECTED).toBeGreaterThan(0);
    expect(preview.accounts.rows.find((a) => a.accountId === acc[1])).toMatchObject({ status: "REJECTED" });
    expect(preview.changeVsPrevious.accountsWithPrevious).toBeGreaterThan(0);

    const run = await t.caller.billingRuns.create(form);
    const simulated = await t.caller.billingRuns.simulate({ id: run.id });
    const afterCreate = await footprint(t);
    await simulateRun(database.db, t.tenantId, run.id);
    expect(await footprint(t)).toEqual(afterCreate);
    expect({ ...simulated, run: null }).toEqual({ ...preview, run: null });

    await t.caller.billingRuns.process({ id: run.id });
    await waitForInlineJobs();
    const stats = await t.caller.billingRuns.statistics({ id: run.id });
    expect(simulated.amounts).toEqual(stats.amounts);
    expect(simulated.vatByCategoryAndCountry).toEqual(stats.vatByCategoryAndCountry);
    expect(simulated.byChargeType).toEqual(stats.byChargeType);
    expect(simulated.findings).toEqual(stats.findings);
    expect(simulated.held).toEqual(stats.held);
    expect({ accounts: simulated.counts.accounts, lines: simulated.counts.lines, items: simulated.counts.items }).toEqual({
      accounts: stats.counts.accounts,
      lines: stats.counts.lines,
      items: stats.counts.items,
    });
    expect(simulated.counts.invoices).toEqual({ DRAFT: stats.counts.invoices.DRAFT, SUSPECT: stats.counts.invoices.SUSPECT, REJECTED: stats.counts.invoices.REJECTED });
    expect(simulated.counts.invoicesByType).toEqual(stats.counts.invoicesByType);
    expect({ ...simulated.invoiceSigns, source: "invoices" }).toEqual(stats.invoiceSigns);
    const all = await simulateRun(database.db, t.tenantId, (await t.caller.billingRuns.create(form)).id, { allAccounts: true }).catch(() => null);
    expect(all?.accounts.total ?? 0).toBe(0); // the next run finds nothing left to bill
    const full = { ...simulated, accounts: simulated.accounts.rows };
    expect(byAccount(full.accounts)).toEqual(await processedAccounts(run.id));
    expect(simulatedFindings(full.accounts)).toEqual(await processedFindings(run.id));
    const previous = await queryRows<{ account_id: string; id: string; net_total: string }>(
      database.db,
      sql`SELECT account_id, id, net_total::text FROM invoices WHERE origin_run_id = ${first.id}::uuid`,
    );
    for (const a of full.accounts) {
      const p = previous.find((r) => r.account_id === a.accountId);
      expect([a.previousInvoiceId, a.previousNet], a.accountName).toEqual([p?.id ?? null, p?.net_total ?? null]);
    }
  }, 120_000);

  it("applies the filters of an exceptional run and names bad input by field", async () => {
    const t = await newTenant(database.db, { accounts: 5, items: 60 });
    const acc = await accountIds(t);
    const form = { type: "EXCEPTIONAL" as const, filter: { accountIds: [acc[0], acc[3]], chargeTypes: ["USAGE" as const] }, cutoffDate: "2026-12-01", invoiceDate: "2026-12-01" };
    const preview = await t.caller.billingRuns.simulateNew(form);
    expect(preview.accounts.rows.map((a) => a.accountId).sort()).toEqual([acc[0], acc[3]].sort());
    expect(preview.byChargeType.map((c) => c.chargeType)).toEqual(preview.byChargeType.map(() => "USAGE"));
    const run = await t.caller.billingRuns.create(form);
    await t.caller.billingRuns.process({ id: run.id });
    await waitForInlineJobs();
    expect(byAccount(preview.accounts.rows)).toEqual(await processedAccounts(run.id));

    await expect(t.caller.billingRuns.simulate({ id: run.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(t.caller.billingRuns.simulateNew({ type: "CYCLE", cutoffDate: "2026-12-01", invoiceDate: "2026-12-01" })).rejects.toThrow(/billingCycleId/);
    await expect(
      t.caller.billingRuns.simulateNew({ ...form, filter: { accountIds: ["00000000-0000-4000-8000-000000000000"] } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/accounts/) });
    await expect(t.caller.billingRuns.simulateNew({ ...form, cutoffDate: "2026-13-01" })).rejects.toThrow(/cutoffDate/);
  });
});
