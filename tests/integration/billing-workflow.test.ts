import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, memberWithRole, newTenant, one, runState, waitForInlineJobs, type TestTenant } from "./billing-support";

// Every transition and refusal of the run state machine, through the tRPC procedures the dashboard uses.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } } });
});
afterAll(() => database?.close());

async function process(t: TestTenant, id: string) {
  const res = await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  return { res, run: await t.caller.billingRuns.get({ id }) };
}

async function breakBuyer(t: TestTenant, n = 1) {
  await database.db.execute(sql`UPDATE customer_accounts SET address_line = NULL
    WHERE id IN (SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT ${n})`);
}

describe("modes", () => {
  it("MANUAL: one step per Process, NEW → LINES_CREATED → DRAFTS_READY → POSTED, with labels and actions", async () => {
    const t = await newTenant(database.db);
    const { id, number } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "MANUAL" }));
    expect(number).toBeGreaterThan(0);
    let run = await t.caller.billingRuns.get({ id });
    expect(run.status).toBe("NEW");
    expect(run.description).toBe("Monthly (1st) cycle — invoice date 2026-11-01 — cut-off 2026-11-01");
    expect(run.processLabel).toBe("Create lines");
    expect(run.availableActions).toEqual(["PROCESS", "DISABLE", "CANCEL", "SAVE"]);

    ({ run } = await process(t, id));
    expect(run.status).toBe("LINES_CREATED");
    expect(run.linesCount).toBeGreaterThan(0);
    expect(run.itemsCount).toBeGreaterThan(0);
    expect(run.invoicesCount).toBe(0);
    expect(run.processLabel).toBe("Create invoices");

    ({ run } = await process(t, id));
    expect(run.status).toBe("DRAFTS_READY");
    expect(run.invoicesCount).toBe(10);
    expect(run.processLabel).toBe("Post");
    expect(run.availableActions).toEqual(
      expect.arrayContaining(["PROCESS", "POST", "DISABLE", "CANCEL", "SAVE", "GENERATE_PDF", "GENERATE_XML", "INVOICE_ACTIONS"]),
    );

    ({ run } = await process(t, id));
    expect(run.status).toBe("POSTED");
    expect(run.postedCount).toBe(10);
    expect(run.availableActions).toEqual(["SAVE", "GENERATE_PDF", "GENERATE_XML", "EMAIL_INVOICES"]);
    const kinds = (await t.caller.billingRuns.executions({ id })).map((e) => [e.kind, e.status, e.done, e.total]);
    expect(kinds).toEqual([
      ["POSTING", "SUCCEEDED", 10, 10],
      ["INVOICES", "SUCCEEDED", 10, 10],
      ["LINES", "SUCCEEDED", 10, 10],
    ]);

    // Posting an already posted run changes nothing.
    const again = await t.caller.billingRuns.process({ id });
    expect(again.started).toBe(false);
    expect((await t.caller.billingRuns.executions({ id })).length).toBe(3);
  });

  it("REVIEW: lines and drafts in one go, stops at DRAFTS_READY", async () => {
    const t = await newTenant(database.db);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    const { res, run } = await process(t, id);
    expect(res.started).toBe(true);
    expect(run.status).toBe("DRAFTS_READY");
  });

  it("AUTO_POST: through to POSTED when nothing is rejected", async () => {
    const t = await newTenant(database.db);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST" }));
    expect((await t.caller.billingRuns.get({ id })).processLabel).toBe("Create and post invoices");
    const { run } = await process(t, id);
    expect(run.status).toBe("POSTED");
    expect(run.postedCount).toBe(10);
  });

  it("AUTO_POST + HOLD: stops at DRAFTS_READY when an invoice is rejected", async () => {
    const t = await newTenant(database.db);
    await breakBuyer(t);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST", onReject: "HOLD" }));
    const { run } = await process(t, id);
    expect(run.status).toBe("DRAFTS_READY");
    expect(run.invoiceCounts.rejected).toBe(1);
    const rejected = await t.caller.invoices.list({ runId: id, status: ["REJECTED"] });
    expect(rejected.rows[0].reason).toMatch(/Buyer data missing: address/);
  });

  it("AUTO_POST + QUARANTINE: rejected invoices go to the quarantine run, the rest is posted", async () => {
    const t = await newTenant(database.db);
    await breakBuyer(t, 2);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST", onReject: "QUARANTINE" }));
    const { run } = await process(t, id);
    expect(run.status).toBe("POSTED");
    expect(run.postedCount).toBe(8);
    expect(run.quarantineRunId).toBeTruthy();
    const q = await t.caller.billingRuns.get({ id: run.quarantineRunId! });
    expect(q.type).toBe("QUARANTINE");
    expect(q.status).toBe("DRAFTS_READY");
    expect(q.sourceRunId).toBe(id);
    expect(q.invoiceCounts.rejected).toBe(2);
    // the quarantine run is posted on its own, once its invoices are validated
    await expect(t.caller.billingRuns.process({ id: q.id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await t.caller.invoices.bulkAction({ runId: q.id, action: "VALIDATE", target: { filter: {} } });
    const { run: qPosted } = await process(t, q.id);
    expect(qPosted.status).toBe("POSTED");
    expect(qPosted.postedCount).toBe(2);
  });

  it("AUTO_POST + CANCEL: rejected invoices are canceled and their items reopened", async () => {
    const t = await newTenant(database.db);
    await breakBuyer(t);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST", onReject: "CANCEL" }));
    const { run } = await process(t, id);
    expect(run.status).toBe("POSTED");
    expect(run.postedCount).toBe(9);
    expect(run.invoiceCounts.canceled).toBe(1);
    const [{ open }] = await queryRows<{ open: number }>(
      database.db,
      sql`SELECT count(*)::int AS open FROM rated_item_states s JOIN customer_accounts a ON a.id = s.account_id
          WHERE s.tenant_id = ${t.tenantId} AND s.status = 'OPEN' AND a.address_line IS NULL AND s.billing_run_id IS NULL`,
    );
    expect(open).toBeGreaterThan(0);
  });
});

describe("refusals", () => {
  it("Process on a disabled run is refused with a clear message; Enable makes it processable", async () => {
    const t = await newTenant(database.db);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    await t.caller.billingRuns.setDisabled({ id, disabled: true });
    const run = await t.caller.billingRuns.get({ id });
    expect(run.availableActions).toEqual(["ENABLE", "SAVE"]);
    await expect(t.caller.billingRuns.process({ id })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/disabled/) });
    await expect(t.caller.billingRuns.cancel({ id, items: "REOPEN" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await runState(database.db, id)).status).toBe("NEW");
    await t.caller.billingRuns.setDisabled({ id, disabled: false });
    const { run: done } = await process(t, id);
    expect(done.status).toBe("DRAFTS_READY");
  });

  it("Disable is refused once posted; Save changes only the description, in any resting status", async () => {
    const t = await newTenant(database.db);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST" }));
    await process(t, id);
    await expect(t.caller.billingRuns.setDisabled({ id, disabled: true })).rejects.toMatchObject({ code: "CONFLICT" });
    await t.caller.billingRuns.saveDescription({ id, description: "November, reviewed by finance" });
    expect((await t.caller.billingRuns.get({ id })).description).toBe("November, reviewed by finance");
    await expect(t.caller.billingRuns.saveDescription({ id, description: "  " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("Post is refused while REJECTED invoices remain", async () => {
    const t = await newTenant(database.db);
    await breakBuyer(t);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    await process(t, id);
    await expect(t.caller.billingRuns.process({ id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/1 rejected invoice/),
    });
    expect((await runState(database.db, id)).status).toBe("DRAFTS_READY");
  });

  it("Cancel is refused once anything is posted, and on a canceled run", async () => {
    const t = await newTenant(database.db);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST" }));
    await process(t, id);
    await expect(t.caller.billingRuns.cancel({ id, items: "REOPEN" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });

    const { id: other } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate: "2026-12-01" }));
    await t.caller.billingRuns.cancel({ id: other, items: "REOPEN" });
    await waitForInlineJobs();
    expect((await runState(database.db, other)).status).toBe("CANCELED");
    await expect(t.caller.billingRuns.cancel({ id: other, items: "REOPEN" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(t.caller.billingRuns.process({ id: other })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await t.caller.billingRuns.get({ id: other })).availableActions).toEqual(["SAVE"]);
  });

  it("viewers read but cannot act; bad input is refused field by field", async () => {
    const t = await newTenant(database.db);
    const viewer = await memberWithRole(database.db, t, "viewer");
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    await expect(viewer.billingRuns.get({ id })).resolves.toMatchObject({ id });
    await expect(viewer.billingRuns.process({ id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.billingRuns.create(cycleRun(t.billingCycleId))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(t.caller.billingRuns.create({ ...cycleRun(t.billingCycleId), invoiceDate: "2026-02-30" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(t.caller.billingRuns.create({ type: "EXCEPTIONAL", invoiceDate: "2026-11-01", cutoffDate: "2026-11-01" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/filter/),
    });
    await expect(t.caller.billingRuns.create({ type: "CYCLE", invoiceDate: "2026-11-01", cutoffDate: "2026-11-01" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/billingCycleId/),
    });
  });
});

describe("cancel", () => {
  it("cancel with REOPEN makes the items billable by the next run; with CANCEL they are never invoiced", async () => {
    const t = await newTenant(database.db);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    await process(t, id);
    const claimed = (await t.caller.billingRuns.get({ id })).itemsCount;
    await t.caller.billingRuns.cancel({ id, items: "REOPEN" });
    await waitForInlineJobs();
    const run = await t.caller.billingRuns.get({ id });
    expect(run.status).toBe("CANCELED");
    expect(run.invoiceCounts.canceled).toBe(10);
    const exec = await t.caller.billingRuns.executions({ id });
    expect(exec[0]).toMatchObject({ kind: "CANCEL", status: "SUCCEEDED" });

    const { id: next } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    const { run: nextRun } = await process(t, next);
    expect(nextRun.itemsCount).toBe(claimed);

    await t.caller.billingRuns.cancel({ id: next, items: "CANCEL" });
    await waitForInlineJobs();
    const canceled = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM rated_items WHERE tenant_id = ${t.tenantId} AND status = 'CANCELED'`,
    );
    expect(canceled.n).toBe(claimed);
    const { id: third } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    const { run: thirdRun } = await process(t, third);
    expect(thirdRun.itemsCount).toBe(0);
    expect(thirdRun.invoicesCount).toBe(0);
    expect(thirdRun.status).toBe("DRAFTS_READY");
  });

  it("cancel from LINES_CREATED releases the claimed lines' items", async () => {
    const t = await newTenant(database.db);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "MANUAL" }));
    await process(t, id);
    await t.caller.billingRuns.cancel({ id, items: "REOPEN" });
    await waitForInlineJobs();
    const claims = await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM rated_item_claims WHERE billing_run_id = ${id}::uuid`);
    expect(claims.n).toBe(0);
  });
});
