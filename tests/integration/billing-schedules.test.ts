import { InngestTestEngine } from "@inngest/test";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createBillingSchedulesFunction } from "@/inngest/functions/billing-schedules";
import { deleteBillingSchedule, listBillingSchedules, saveBillingSchedule } from "@/server/api/routes/schedules";
import { saveSchedule } from "@/server/billing/schedules";
import { runSchedulerPass } from "@/server/billing/scheduler";
import { configureRuntime } from "@/tests/support/runtime";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, tenantWithKey } from "./api-support";
import { newTenant, waitForInlineJobs, type TestTenant } from "./billing-support";

// Billing schedules: one run per cycle and period whatever the number of schedulers, a missed period caught up once,
// processing by mode, bad input named by field, the REST twin and the Inngest cron function.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 4 } } });
});
afterAll(() => database?.close());

// Items are dated 2026-10-01 … 2026-11-15; the schedules run on the 1st at 06:00 Berlin (05:00Z in November).
const schedule = (t: TestTenant, over: Record<string, unknown> = {}) => ({
  billingCycleId: t.billingCycleId,
  dayOfMonth: 1,
  timeOfDay: "06:00",
  timeZone: "Europe/Berlin",
  cutoffOffsetDays: 0,
  invoiceDateOffsetDays: 0,
  mode: "REVIEW" as const,
  enabled: true,
  ...over,
});

const scheduledRuns = (t: TestTenant) =>
  queryRows<{ id: string; period: string; status: string; cutoff: string; invoiceDate: string; initiator: string; mode: string }>(
    database.db,
    sql`SELECT id, scheduled_period AS period, status, cutoff_date::text AS cutoff, invoice_date::text AS "invoiceDate",
          initiator_type AS initiator, mode FROM billing_runs
        WHERE tenant_id = ${t.tenantId} AND scheduled_period IS NOT NULL ORDER BY scheduled_period`,
  );
const otherRuns = async (t: TestTenant) =>
  (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM billing_runs WHERE tenant_id = ${t.tenantId}`))[0].n;

describe("billing schedules", () => {
  it("two concurrent schedulers create exactly one run per period, processed to drafts once", async () => {
    const t = await newTenant(database.db, { accounts: 4, items: 40 });
    // saved in mid-October: starts with November
    await saveSchedule(database.db, t.tenantId, schedule(t), { type: "USER", userId: t.userId }, new Date("2026-10-15T12:00:00Z"));
    const now = new Date("2026-11-01T05:00:30Z");
    const passes = await Promise.all([runSchedulerPass(database.db, now), runSchedulerPass(database.db, now), runSchedulerPass(database.db, now)]);
    await waitForInlineJobs();
    expect(passes.reduce((n, p) => n + p.created, 0)).toBe(1);
    expect(passes.reduce((n, p) => n + p.processed, 0)).toBe(1);
    const runs = await scheduledRuns(t);
    expect(runs).toMatchObject([{ period: "2026-11", status: "DRAFTS_READY", cutoff: "2026-11-01", invoiceDate: "2026-11-01", initiator: "SYSTEM", mode: "REVIEW" }]);
    expect(await otherRuns(t)).toBe(1);
    // later passes of the month find it there
    const again = await runSchedulerPass(database.db, new Date("2026-11-20T00:00:00Z"));
    expect(again.created).toBe(0);
    expect(await otherRuns(t)).toBe(1);
    // the creation is audited as the system's
    const [audit] = await queryRows<{ actor_type: string; entity_id: string }>(
      database.db,
      sql`SELECT actor_type, entity_id FROM audit_log WHERE tenant_id = ${t.tenantId} AND action = 'run.create'`,
    );
    expect(audit).toEqual({ actor_type: "SYSTEM", entity_id: runs[0].id });
  });

  it("a period missed while no scheduler ran is caught up once (the latest only), then the next month on time", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 30 });
    await saveSchedule(database.db, t.tenantId, schedule(t, { mode: "MANUAL", cutoffOffsetDays: -1, invoiceDateOffsetDays: 2 }), { type: "USER", userId: t.userId }, new Date("2026-07-20T00:00:00Z"));
    // down from July to 1 December: August … December were due; one run, for December
    // (the other tests' schedules share the database: count this tenant's runs)
    const late = new Date("2026-12-03T10:00:00Z");
    await runSchedulerPass(database.db, late);
    await runSchedulerPass(database.db, new Date(late.getTime() + 60_000));
    await waitForInlineJobs();
    expect(await scheduledRuns(t)).toMatchObject([{ period: "2026-12", status: "NEW", cutoff: "2026-11-30", invoiceDate: "2026-12-03" }]);
    // MANUAL: created only, never processed by a later pass
    await runSchedulerPass(database.db, new Date("2026-12-31T22:00:00Z"));
    await waitForInlineJobs();
    expect(await scheduledRuns(t)).toMatchObject([{ period: "2026-12", status: "NEW" }]);
    await runSchedulerPass(database.db, new Date("2027-01-01T05:00:00Z"));
    await waitForInlineJobs();
    expect((await scheduledRuns(t)).map((r) => r.period)).toEqual(["2026-12", "2027-01"]);
  });

  it("a disabled schedule creates nothing; the list shows the next three dates", async () => {
    const t = await newTenant(database.db, { accounts: 1, items: 5 });
    await t.caller.schedules.save(schedule(t, { enabled: false, dayOfMonth: 31 }));
    await runSchedulerPass(database.db, new Date("2030-01-01T00:00:00Z"));
    await waitForInlineJobs();
    expect(await scheduledRuns(t)).toEqual([]);
    const saved = await t.caller.schedules.save(schedule(t, { dayOfMonth: 31 }));
    expect(saved.nextRuns).toHaveLength(3);
    const [listed] = await t.caller.schedules.list();
    expect(listed).toMatchObject({ billingCycleId: t.billingCycleId, schedule: { dayOfMonth: 31, enabled: true } });
    expect(listed.nextRuns.map((r) => r.period)).toEqual(saved.nextRuns.map((r) => r.period));
    await t.caller.schedules.delete({ billingCycleId: t.billingCycleId });
    expect((await t.caller.schedules.list())[0].schedule).toBeNull();
    const actions = await queryRows<{ action: string }>(database.db, sql`SELECT action FROM audit_log WHERE tenant_id = ${t.tenantId} AND entity_type = 'schedule' ORDER BY id`);
    expect(actions.map((a) => a.action)).toEqual(["schedule.create", "schedule.update", "schedule.delete"]);
  });

  it("bad input is refused with the field named, over tRPC and REST", async () => {
    const t = await newTenant(database.db, { seed: false });
    for (const [over, field] of [
      [{ dayOfMonth: 32 }, "dayOfMonth"],
      [{ dayOfMonth: 0 }, "dayOfMonth"],
      [{ timeOfDay: "24:00" }, "timeOfDay"],
      [{ timeZone: "Mars/Olympus" }, "timeZone"],
      [{ cutoffOffsetDays: 40 }, "cutoffOffsetDays"],
      [{ mode: "SOMETIMES" }, "mode"],
    ] as const) {
      const error = await t.caller.schedules.save(schedule(t, over as never)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "BAD_REQUEST" });
      expect((error as Error).message).toContain(`"${field}"`);
    }
    const api = await tenantWithKey(database.db, "admin");
    const bad = await call(saveBillingSchedule, database.db, jsonRequest("POST", "/api/v1/billing-schedules", { key: api.key, body: { ...schedule(t), billingCycleId: api.billingCycleId, timeZone: "Nowhere" } }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(["timeZone"]);
    // another tenant's cycle: 404
    const foreign = await call(saveBillingSchedule, database.db, jsonRequest("POST", "/api/v1/billing-schedules", { key: api.key, body: schedule(t) }));
    expect(foreign.status).toBe(404);
    const ok = await call(saveBillingSchedule, database.db, jsonRequest("POST", "/api/v1/billing-schedules", { key: api.key, body: { ...schedule(t), billingCycleId: api.billingCycleId } }));
    expect(ok.status).toBe(200);
    expect(ok.body.nextRuns).toHaveLength(3);
    const listed = await call(listBillingSchedules, database.db, jsonRequest("GET", "/api/v1/billing-schedules", { key: api.key }));
    expect(listed.body.rows.map((r: { billingCycleId: string }) => r.billingCycleId)).toEqual([api.billingCycleId]);
    const removed = await call(deleteBillingSchedule, database.db, jsonRequest("POST", `/api/v1/billing-schedules/${api.billingCycleId}/delete`, { key: api.key }), { id: api.billingCycleId });
    expect(removed).toMatchObject({ status: 200, body: { deleted: true } });
  });

  it("the Inngest cron function runs the same pass", async () => {
    const t = await newTenant(database.db, { accounts: 2, items: 10 });
    await saveSchedule(database.db, t.tenantId, schedule(t, { mode: "MANUAL", dayOfMonth: 7 }), { type: "USER", userId: t.userId }, new Date("2020-01-01T00:00:00Z"));
    const engine = new InngestTestEngine({ function: createBillingSchedulesFunction({ getDb: async () => database.db }) });
    const first = await engine.execute({ events: [{ name: "inngest/scheduled.timer", data: {} }] });
    expect(first.error).toBeUndefined();
    expect(first.result).toMatchObject({ created: expect.any(Number) });
    await waitForInlineJobs(); // the earlier tests' schedules are due at today's date too
    expect((await scheduledRuns(t)).length).toBe(1);
    const second = await new InngestTestEngine({ function: createBillingSchedulesFunction({ getDb: async () => database.db }) }).execute({ events: [{ name: "inngest/scheduled.timer", data: {} }] });
    expect(second.result).toMatchObject({ created: 0 });
    await waitForInlineJobs();
    expect((await scheduledRuns(t)).length).toBe(1);
  });
});
