import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, waitForInlineJobs, type TestTenant } from "./billing-support";

// Tenant isolation: another tenant's run or invoice id answers NOT_FOUND on every procedure, and changes nothing.

let database: TestDatabase;
let owner: TestTenant;
let intruder: TestTenant;
let runId: string;
let invoiceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await newTenant(database.db, { accounts: 4, items: 80 });
  intruder = await newTenant(database.db, { accounts: 2, items: 20 });
  ({ id: runId } = await owner.caller.billingRuns.create(cycleRun(owner.billingCycleId)));
  await owner.caller.billingRuns.process({ id: runId });
  await waitForInlineJobs();
  invoiceId = (await owner.caller.invoices.list({ runId })).rows[0].id;
});
afterAll(() => database?.close());

describe("tenant isolation", () => {
  const calls: Record<string, (c: TestTenant["caller"]) => Promise<unknown>> = {
    "billingRuns.get": (c) => c.billingRuns.get({ id: runId }),
    "billingRuns.executions": (c) => c.billingRuns.executions({ id: runId }),
    "billingRuns.failures": (c) => c.billingRuns.failures({ id: runId }),
    "billingRuns.statistics": (c) => c.billingRuns.statistics({ id: runId }),
    "billingRuns.process": (c) => c.billingRuns.process({ id: runId }),
    "billingRuns.cancel": (c) => c.billingRuns.cancel({ id: runId, items: "REOPEN" }),
    "billingRuns.setDisabled": (c) => c.billingRuns.setDisabled({ id: runId, disabled: true }),
    "billingRuns.saveDescription": (c) => c.billingRuns.saveDescription({ id: runId, description: "hacked" }),
    "billingRuns.retryFailed": (c) => c.billingRuns.retryFailed({ id: runId }),
    "invoices.list": (c) => c.invoices.list({ runId }),
    "invoices.get": (c) => c.invoices.get({ id: invoiceId }),
    "invoices.bulkAction (run)": (c) => c.invoices.bulkAction({ runId, action: "VALIDATE", target: { filter: {} } }),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(`${name}: another tenant's id → NOT_FOUND`, async () => {
      await expect(call(intruder.caller)).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  }

  it("create with another tenant's cycle or accounts is refused; lists never show other tenants' runs", async () => {
    await expect(intruder.caller.billingRuns.create(cycleRun(owner.billingCycleId))).rejects.toMatchObject({ code: "NOT_FOUND" });
    const ownerInvoice = await owner.caller.invoices.get({ id: invoiceId });
    await expect(
      intruder.caller.billingRuns.create({
        type: "EXCEPTIONAL",
        filter: { accountIds: [ownerInvoice.accountId as string] },
        invoiceDate: "2026-11-01",
        cutoffDate: "2026-11-01",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const list = await intruder.caller.billingRuns.list({});
    expect(list.rows.map((r) => r.id)).not.toContain(runId);
    const options = await intruder.caller.billingRuns.formOptions();
    expect(options.cycles.map((c) => c.id)).toEqual([intruder.billingCycleId]);
  });

  it("an invoice of another tenant in a bulk selection is skipped, not touched", async () => {
    const { id: theirs } = await intruder.caller.billingRuns.create(cycleRun(intruder.billingCycleId));
    await intruder.caller.billingRuns.process({ id: theirs });
    await waitForInlineJobs();
    const res = await intruder.caller.invoices.bulkAction({ runId: theirs, action: "REJECT", reason: "x", target: { ids: [invoiceId] } });
    expect(res.results).toEqual([{ invoiceId, number: null, outcome: "SKIPPED", reason: "not an invoice of this run" }]);
    expect((await owner.caller.invoices.get({ id: invoiceId })).status).toBe("DRAFT");
    expect((await owner.caller.billingRuns.get({ id: runId })).description).not.toBe("hacked");
  });
});
