import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, waitForInlineJobs, type TestTenant } from "./billing-support";

// Invoice list / detail and the bulk actions (on ids and on a filter), answered per invoice.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 4 } } });
});
afterAll(() => database?.close());

async function draftsRun(t: TestTenant) {
  const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
  await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  return id;
}

describe("invoices", () => {
  it("lists with server-side filters, sorting and pagination; gets an invoice with lines, VAT breakdown, history", async () => {
    const t = await newTenant(database.db, { accounts: 14, items: 280, creditEvery: 3 });
    const runId = await draftsRun(t);
    const all = await t.caller.invoices.list({ runId, pageSize: 5, sort: "grossTotal", direction: "desc" });
    expect(all.total).toBe(14);
    expect(all.rows.length).toBe(5);
    const gross = all.rows.map((r) => Number(r.grossTotal));
    expect(gross).toEqual([...gross].sort((a, b) => b - a));
    expect(typeof all.rows[0].netTotal).toBe("string");
    const page3 = await t.caller.invoices.list({ runId, pageSize: 5, page: 3 });
    expect(page3.rows.length).toBe(4);
    const usd = await t.caller.invoices.list({ runId, currency: "USD" });
    expect(usd.rows.every((r) => r.currency === "USD")).toBe(true);
    expect(usd.total).toBeGreaterThan(0);
    const big = await t.caller.invoices.list({ runId, amountMin: "1000" });
    expect(big.rows.every((r) => Number(r.grossTotal) >= 1000)).toBe(true);
    const byName = await t.caller.invoices.list({ runId, accountQuery: all.rows[0].accountName });
    expect(byName.rows.map((r) => r.id)).toContain(all.rows[0].id);

    const inv = await t.caller.invoices.get({ id: all.rows[0].id });
    expect(inv.lines.length).toBeGreaterThan(0);
    expect(inv.vatBreakdown.length).toBeGreaterThan(0);
    expect(inv.statusHistory[0]).toMatchObject({ fromStatus: null, toStatus: inv.status });
    expect(inv.billingRunLabel).toMatch(/^BR-\d{6}$/);
    expect(inv.originRunLabel).toBe(inv.billingRunLabel);
    // the review actions each invoice allows come with it (the state machine's rule, per status)
    expect(all.rows[0].availableActions).toEqual(inv.availableActions);
    expect(inv.availableActions).toContain("CANCEL");
    expect(inv.availableActions.includes("VALIDATE")).toBe(inv.status !== "DRAFT");
    expect(inv.xmlProblem).toBeNull();
  });

  it("validate / reject (reason required) / cancel answer per invoice: done, or skipped with the reason", async () => {
    const t = await newTenant(database.db, { accounts: 6, items: 120 });
    const runId = await draftsRun(t);
    const { rows } = await t.caller.invoices.list({ runId, sort: "accountName" });
    const [a, b, c] = rows;
    await expect(t.caller.invoices.bulkAction({ runId, action: "REJECT", target: { ids: [a.id] } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/reason/),
    });
    const rejected = await t.caller.invoices.bulkAction({ runId, action: "REJECT", target: { ids: [a.id, b.id] }, reason: "Wrong VAT id" });
    expect(rejected.results.map((r) => r.outcome)).toEqual(["DONE", "DONE"]);
    // the results name each invoice's account (drafts have no number; an id alone means nothing to a reader)
    expect(rejected.accountNames).toEqual({ [a.id]: a.accountName, [b.id]: b.accountName });
    const again = await t.caller.invoices.bulkAction({ runId, action: "REJECT", target: { ids: [a.id] }, reason: "x" });
    expect(again.results[0]).toMatchObject({ outcome: "SKIPPED", reason: "already rejected" });
    const withReason = await t.caller.invoices.list({ runId, hasReason: true });
    expect(withReason.rows.map((r) => r.reason)).toEqual(["Wrong VAT id", "Wrong VAT id"]);

    const validated = await t.caller.invoices.bulkAction({ runId, action: "VALIDATE", target: { ids: [a.id, c.id, "00000000-0000-4000-8000-000000000000"] } });
    expect(validated.results).toEqual([
      { invoiceId: a.id, number: null, outcome: "DONE" },
      { invoiceId: c.id, number: null, outcome: "SKIPPED", reason: expect.stringMatching(/already a draft/) },
      { invoiceId: "00000000-0000-4000-8000-000000000000", number: null, outcome: "SKIPPED", reason: "not an invoice of this run" },
    ]);
    expect(Object.keys(validated.accountNames).sort()).toEqual([a.id, c.id].sort());

    const canceled = await t.caller.invoices.bulkAction({ runId, action: "CANCEL", target: { filter: { status: ["REJECTED"] } }, items: "REOPEN" });
    expect(canceled.results).toEqual([{ invoiceId: b.id, number: null, outcome: "DONE" }]);
    const reopened = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM rated_item_claims c JOIN rated_items r ON r.id = c.rated_item_id
          WHERE c.billing_run_id = ${runId}::uuid AND r.account_id = ${b.accountId}::uuid`,
    );
    expect(reopened.n).toBe(0);
    const hist = await t.caller.invoices.get({ id: b.id });
    expect(hist.statusHistory.map((h) => h.toStatus)).toEqual(["DRAFT", "REJECTED", "CANCELED"]);

    // post: canceled ones stay canceled, the rest is numbered; bulk actions are refused afterwards
    await t.caller.billingRuns.process({ id: runId });
    await waitForInlineJobs();
    const run = await t.caller.billingRuns.get({ id: runId });
    expect(run.status).toBe("POSTED");
    expect(run.postedCount).toBe(5);
    await expect(t.caller.invoices.bulkAction({ runId, action: "VALIDATE", target: { filter: {} } })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("quarantine moves invoices into the run's on-demand QUARANTINE run (one per source run)", async () => {
    const t = await newTenant(database.db, { accounts: 6, items: 120 });
    const runId = await draftsRun(t);
    const { rows } = await t.caller.invoices.list({ runId });
    const first = await t.caller.invoices.bulkAction({ runId, action: "QUARANTINE", target: { ids: [rows[0].id] } });
    expect(first.results[0].outcome).toBe("DONE");
    const second = await t.caller.invoices.bulkAction({ runId, action: "QUARANTINE", target: { ids: [rows[1].id, rows[0].id] } });
    expect(second.quarantineRunId).toBe(first.quarantineRunId);
    expect(second.results.find((r) => r.invoiceId === rows[0].id)).toMatchObject({ outcome: "SKIPPED", reason: "not an invoice of this run" });
    const q = await t.caller.billingRuns.get({ id: first.quarantineRunId! });
    expect(q).toMatchObject({ type: "QUARANTINE", status: "DRAFTS_READY", sourceRunId: runId, invoicesCount: 2, accountsCount: 2 });
    // a quarantine run has no lines of its own: it counts those of the invoices it holds, and their items
    const held = await one<{ lines: number; items: number }>(
      database.db,
      sql`SELECT sum(i.lines_count)::int AS lines,
            (SELECT sum(l.items_count)::int FROM invoice_lines l JOIN invoices j ON l.billing_run_id = j.origin_run_id
              AND l.account_id = j.account_id WHERE j.billing_run_id = ${q.id}::uuid) AS items
          FROM invoices i WHERE i.billing_run_id = ${q.id}::uuid`,
    );
    expect(held.lines).toBeGreaterThan(0);
    expect(q).toMatchObject({ linesCount: held.lines, itemsCount: held.items });
    expect((await t.caller.billingRuns.get({ id: runId })).invoicesCount).toBe(4);
    const moved = await t.caller.invoices.get({ id: rows[0].id });
    expect(moved.billingRunId).toBe(q.id);
    expect(moved.originRunId).toBe(runId);
    expect(moved.lines.length).toBeGreaterThan(0);
    expect(moved.availableActions).not.toContain("QUARANTINE");
    expect(moved.availableActions).toContain("CANCEL");
    const stats = await t.caller.billingRuns.statistics({ id: q.id });
    expect(stats.counts.accounts).toBe(2);
    await expect(t.caller.invoices.bulkAction({ runId: q.id, action: "QUARANTINE", target: { filter: {} } })).rejects.toMatchObject({ code: "CONFLICT" });
    // both are posted on their own, numbers never collide
    for (const id of [runId, q.id]) {
      await t.caller.billingRuns.process({ id });
      await waitForInlineJobs();
    }
    const numbers = await t.caller.invoices.list({ runId: q.id });
    expect(numbers.rows.every((r) => r.status === "POSTED" && r.number)).toBe(true);
    expect(numbers.rows.every((r) => r.availableActions.length === 0)).toBe(true);
    expect((await t.caller.invoices.get({ id: rows[0].id })).availableActions).toEqual([]);
  });
});

describe("invoice status history", () => {
  it("names who changed the status: the user's name and e-mail, the API key's name, not user:<uuid>", async () => {
    const t = await newTenant(database.db, { accounts: 2, items: 20 });
    const runId = await draftsRun(t);
    const [invoice] = (await t.caller.invoices.list({ runId })).rows;
    await t.caller.invoices.bulkAction({ runId, action: "REJECT", target: { ids: [invoice.id] }, reason: "Wrong VAT id" });
    const key = await one<{ id: string }>(
      database.db,
      sql`INSERT INTO api_keys (tenant_id, name, prefix, hash, role) VALUES (${t.tenantId}, 'ERP sync', 'br_test', ${`hash-${invoice.id}`}, 'operator') RETURNING id`,
    );
    await database.db.execute(sql`INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, actor)
      VALUES (${t.tenantId}, ${invoice.id}::uuid, 'REJECTED', 'DRAFT', ${`api-key:${key.id}`})`);
    const user = await one<{ name: string; email: string }>(database.db, sql`SELECT name, email FROM "user" WHERE id = ${t.userId}`);

    const { statusHistory } = await t.caller.invoices.get({ id: invoice.id });
    expect(statusHistory.map((h) => h.actorName)).toEqual([
      statusHistory[0].actor, // created by the run: as recorded ("system")
      `${user.name} (${user.email})`,
      "API key ERP sync",
    ]);
    expect(statusHistory[1].actor).toBe(`user:${t.userId}`);
  });
});
