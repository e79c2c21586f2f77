import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@/server/trpc/routers/_app";
import { INVITABLE_ROLES } from "@/server/tenants/invitations";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, waitForInlineJobs, type TestTenant } from "./billing-support";

// Every tRPC procedure must prove tenant isolation. Procedures taking an id are proven here or in
// billing-tenancy.test.ts (another tenant's id → NOT_FOUND); lists must not show another tenant's rows.
// A new procedure without an entry below fails the first test.

let database: TestDatabase;
let owner: TestTenant;
let intruder: TestTenant;
let runId: string;
let ids: { apiKey: string; secret: string; endpoint: string; email: string; invoice: string; account: string; hold: string };

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await newTenant(database.db, { accounts: 3, items: 30 });
  intruder = await newTenant(database.db, { accounts: 1, items: 5 });
  ({ id: runId } = await owner.caller.billingRuns.create(cycleRun(owner.billingCycleId)));
  await owner.caller.billingRuns.process({ id: runId });
  await waitForInlineJobs();
  const key = await owner.caller.settings.apiKeys.create({ name: "owner key" });
  await owner.caller.settings.webhookSecrets.rotate({});
  const [secret] = await owner.caller.settings.webhookSecrets.list();
  const endpoint = await owner.caller.settings.webhookEndpoints.create({ url: "http://127.0.0.1:9/owner-hook" });
  const [email] = (await owner.caller.outbox.list({})).rows;
  const [invoice] = (await owner.caller.invoices.list({ runId })).rows;
  const hold = await owner.caller.review.holds.place({ accountId: invoice.accountId, reason: "isolation test" });
  await owner.caller.settings.taxSettings.setRate({ country: "FR", rateType: "STANDARD", rate: "20.5", validFrom: "2030-01-01" });
  ids = {
    apiKey: (key as { id: string }).id, secret: secret.id, endpoint: (endpoint as { id: string }).id, email: email.id,
    invoice: invoice.id, account: invoice.accountId, hold: (hold as { id: string }).id,
  };
});
afterAll(() => database?.close());

const coveredElsewhere = new Set([
  // tests/integration/billing-tenancy.test.ts
  "billingRuns.get", "billingRuns.executions", "billingRuns.failures", "billingRuns.statistics", "billingRuns.process",
  "billingRuns.cancel", "billingRuns.setDisabled", "billingRuns.saveDescription", "billingRuns.retryFailed",
  "billingRuns.create", "billingRuns.list", "billingRuns.formOptions", "invoices.list", "invoices.get", "invoices.bulkAction",
  // no tenant data: who the caller is
  "viewer.me",
]);

type Caller = TestTenant["caller"];
const notFoundHere: Record<string, (c: Caller) => Promise<unknown>> = {
  "billingRuns.generateDocuments": (c) => c.billingRuns.generateDocuments({ id: runId, kind: "XML" }),
  "billingRuns.emailInvoices": (c) => c.billingRuns.emailInvoices({ id: runId }),
  "billingRuns.simulate": (c) => c.billingRuns.simulate({ id: runId }),
  "billingRuns.simulateNew": (c) => c.billingRuns.simulateNew(cycleRun(owner.billingCycleId)),
  "settings.apiKeys.revoke": (c) => c.settings.apiKeys.revoke({ id: ids.apiKey }),
  "settings.webhookSecrets.revoke": (c) => c.settings.webhookSecrets.revoke({ id: ids.secret }),
  "settings.webhookEndpoints.update": (c) => c.settings.webhookEndpoints.update({ id: ids.endpoint, enabled: false }),
  "settings.webhookEndpoints.delete": (c) => c.settings.webhookEndpoints.delete({ id: ids.endpoint }),
  "outbox.get": (c) => c.outbox.get({ id: ids.email }),
  "settings.webhookEndpoints.deliveries": (c) => c.settings.webhookEndpoints.deliveries({ endpointId: ids.endpoint }),
  "invoices.saveMemo": (c) => c.invoices.saveMemo({ id: ids.invoice, memo: "intruder" }),
  "billingRuns.saveMemo": (c) => c.billingRuns.saveMemo({ id: runId, memo: "intruder" }),
  "invoices.createCreditNote": (c) => c.invoices.createCreditNote({ invoiceId: ids.invoice, reason: "intruder", scope: "WHOLE" } as never),
  "invoices.postCreditNote": (c) => c.invoices.postCreditNote({ id: ids.invoice }),
  "invoices.discardCreditNote": (c) => c.invoices.discardCreditNote({ id: ids.invoice }),
  "review.approvals.list": (c) => c.review.approvals.list({ id: runId }),
  "review.approvals.approve": (c) => c.review.approvals.approve({ id: runId }),
  "review.approvals.sendBack": (c) => c.review.approvals.sendBack({ id: runId, comment: "intruder" }),
  "review.approvals.holdTimedPost": (c) => c.review.approvals.holdTimedPost({ id: runId, comment: "intruder" }),
  "review.holds.place": (c) => c.review.holds.place({ accountId: ids.account, reason: "intruder" }),
  "review.holds.release": (c) => c.review.holds.release({ id: ids.hold }),
  "schedules.save": (c) =>
    c.schedules.save({ billingCycleId: owner.billingCycleId, dayOfMonth: 1, timeOfDay: "06:00", timeZone: "Europe/Berlin", cutoffOffsetDays: 0, invoiceDateOffsetDays: 0, mode: "MANUAL" }),
  "schedules.delete": async (c) => {
    await owner.caller.schedules.save({ billingCycleId: owner.billingCycleId, dayOfMonth: 1, timeOfDay: "06:00", timeZone: "Europe/Berlin", cutoffOffsetDays: 0, invoiceDateOffsetDays: 0, mode: "MANUAL", enabled: false });
    return c.schedules.delete({ billingCycleId: owner.billingCycleId });
  },
  "settings.taxSettings.deleteRate": (c) => c.settings.taxSettings.deleteRate({ country: "FR", rateType: "STANDARD", validFrom: "2030-01-01" }),
};
const listsHere: Record<string, (c: Caller) => Promise<{ id: string }[]>> = {
  "outbox.list": async (c) => (await c.outbox.list({})).rows,
  "settings.apiKeys.list": (c) => c.settings.apiKeys.list() as Promise<{ id: string }[]>,
  "settings.webhookSecrets.list": (c) => c.settings.webhookSecrets.list() as Promise<{ id: string }[]>,
  "settings.webhookEndpoints.list": (c) => c.settings.webhookEndpoints.list() as Promise<{ id: string }[]>,
  "review.holds.list": (c) => c.review.holds.list({}) as Promise<{ id: string }[]>,
  "review.holds.accounts": (c) => c.review.holds.accounts({}),
  "schedules.list": async (c) => (await c.schedules.list()).map((r) => ({ id: r.billingCycleId })),
  "review.audit.list": async (c) => (await c.review.audit.list({})).rows.map((r) => ({ id: String(r.id) })),
  "settings.members.invitations": (c) => c.settings.members.invitations() as Promise<{ id: string }[]>,
  "settings.exchangeRates.list": async (c) =>
    ((await c.settings.exchangeRates.list()) as { currency: string; rateDate: string }[]).map((r) => ({ id: `${r.currency}:${r.rateDate}` })),
};
// The caller's own tenant settings (one row per tenant, or the tenant's own list): nothing to address in another tenant.
const ownSettings = new Set([
  "settings.documentProfile.get", "settings.documentProfile.save", "settings.documentProfile.uploadLogo",
  "settings.documentProfile.removeLogo", "settings.einvoiceProfile.get", "settings.einvoiceProfile.update",
  "settings.exchangeRates.set", "settings.exchangeRates.delete", "settings.members.invite",
  "review.rules.list", "review.rules.save", "review.approvalPolicy.get", "review.approvalPolicy.save",
  // tests/integration/tax-settings.test.ts shows another tenant's registrations and rates stay unseen and unchanged
  "settings.taxSettings.get", "settings.taxSettings.save", "settings.taxSettings.setRate",
  "settings.sellerIdentity.get", "settings.sellerIdentity.save",
]);
// Creating in one's own tenant cannot touch another tenant; proven by the lists above staying clean.
const createsOwn = new Set(["settings.apiKeys.create", "settings.webhookSecrets.rotate", "settings.webhookEndpoints.create"]);

describe("tenant isolation over every router", () => {
  it("every procedure has an isolation check", () => {
    const procedures = Object.keys((appRouter._def as unknown as { procedures: Record<string, unknown> }).procedures);
    const uncovered = procedures.filter(
      (path) => !coveredElsewhere.has(path) && !(path in notFoundHere) && !(path in listsHere) && !createsOwn.has(path) && !ownSettings.has(path),
    );
    expect(procedures.length).toBeGreaterThan(20);
    expect(uncovered).toEqual([]);
  });

  for (const [path, call] of Object.entries(notFoundHere)) {
    it(`${path}: another tenant's id → NOT_FOUND`, async () => {
      await expect(call(intruder.caller)).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  }

  for (const [path, list] of Object.entries(listsHere)) {
    it(`${path}: shows only the caller's tenant`, async () => {
      await intruder.caller.settings.apiKeys.create({ name: "intruder key" });
      await intruder.caller.settings.webhookSecrets.rotate({});
      await intruder.caller.settings.webhookEndpoints.create({ url: "http://127.0.0.1:9/intruder-hook" });
      if (!(await intruder.caller.outbox.list({})).rows.length) {
        const { id } = await intruder.caller.billingRuns.create(cycleRun(intruder.billingCycleId));
        await intruder.caller.billingRuns.process({ id });
        await waitForInlineJobs();
      }
      if (!((await intruder.caller.review.holds.list({})) as unknown[]).length) {
        const [run] = (await intruder.caller.billingRuns.list({})).rows;
        const [invoice] = (await intruder.caller.invoices.list({ runId: run.id })).rows;
        await intruder.caller.review.holds.place({ accountId: invoice.accountId, reason: "intruder's own hold" });
        await intruder.caller.settings.exchangeRates.set({ currency: "USD", rateDate: "2026-01-01", rate: "0.9" });
        await owner.caller.settings.exchangeRates.set({ currency: "USD", rateDate: "2026-02-01", rate: "0.8" });
        await intruder.caller.settings.members.invite({ email: "new.member@intruder.example", role: INVITABLE_ROLES[0] });
      }
      const theirs = (await list(intruder.caller)).map((row) => row.id);
      const mine = (await list(owner.caller)).map((row) => row.id);
      expect(theirs.length).toBeGreaterThan(0);
      expect(theirs.filter((id) => mine.includes(id))).toEqual([]);
    });
  }

  it("the owner's objects are untouched by the intruder's attempts", async () => {
    const endpoints = (await owner.caller.settings.webhookEndpoints.list()) as { id: string; enabled: boolean }[];
    expect(endpoints.find((e) => e.id === ids.endpoint)?.enabled).toBe(true);
    const keys = (await owner.caller.settings.apiKeys.list()) as { id: string; revokedAt: Date | null }[];
    expect(keys.find((k) => k.id === ids.apiKey)?.revokedAt ?? null).toBeNull();
  });
});
