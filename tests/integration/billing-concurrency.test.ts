import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, waitForInlineJobs } from "./billing-support";

// Concurrency: real only on Postgres (TEST_DB=pg); PGlite serializes, and the same assertions must hold.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } } });
});
afterAll(() => database?.close());

describe("concurrency", () => {
  it("parallel Process calls start exactly one job; the others get CONFLICT 'already processing'", async () => {
    const t = await newTenant(database.db);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "MANUAL" }));
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => t.caller.billingRuns.process({ id })));
    await waitForInlineJobs();
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok.length).toBe(1);
    expect(refused.length).toBe(3);
    for (const r of refused) expect(r.reason).toMatchObject({ code: "CONFLICT" });
    const jobs = await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM job_executions WHERE billing_run_id = ${id}::uuid`);
    expect(jobs.n).toBe(1);
    expect((await t.caller.billingRuns.get({ id })).status).toBe("LINES_CREATED");

    // same for Post
    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();
    const posts = await Promise.allSettled(Array.from({ length: 3 }, () => t.caller.billingRuns.process({ id })));
    await waitForInlineJobs();
    expect(posts.filter((r) => r.status === "fulfilled" && r.value.started).length).toBe(1);
    const postingJobs = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM job_executions WHERE billing_run_id = ${id}::uuid AND kind = 'POSTING'`,
    );
    expect(postingJobs.n).toBe(1);
  });

  it("two runs claiming the same items at once: every item is claimed by exactly one run", async () => {
    const t = await newTenant(database.db, { accounts: 12, items: 600 });
    const a = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    const b = await t.caller.billingRuns.create({
      type: "EXCEPTIONAL",
      filter: { chargeTypes: ["USAGE", "RECURRING", "ONE_SHOT"] },
      invoiceDate: "2026-11-01",
      cutoffDate: "2026-11-01",
    });
    await Promise.all([t.caller.billingRuns.process({ id: a.id }), t.caller.billingRuns.process({ id: b.id })]);
    await waitForInlineJobs();
    const [ra, rb] = await Promise.all([t.caller.billingRuns.get({ id: a.id }), t.caller.billingRuns.get({ id: b.id })]);
    expect(ra.status).toBe("DRAFTS_READY");
    expect(rb.status).toBe("DRAFTS_READY");
    const eligible = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM rated_items WHERE tenant_id = ${t.tenantId} AND usage_date < '2026-11-01'`,
    );
    expect(ra.itemsCount + rb.itemsCount).toBe(eligible.n);
  });

  it("two runs posting at once get disjoint numbers that together are contiguous", async () => {
    const t = await newTenant(database.db, { accounts: 16, items: 320 });
    const accounts = await queryRows<{ id: string }>(
      database.db,
      sql`SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY id`,
    );
    const half = accounts.length / 2;
    const runs = [];
    for (const slice of [accounts.slice(0, half), accounts.slice(half)]) {
      const run = await t.caller.billingRuns.create({
        type: "EXCEPTIONAL",
        filter: { accountIds: slice.map((a) => a.id) },
        invoiceDate: "2026-11-01",
        cutoffDate: "2026-11-01",
      });
      await t.caller.billingRuns.process({ id: run.id });
      runs.push(run);
    }
    await waitForInlineJobs();
    await Promise.all(runs.map((r) => t.caller.billingRuns.process({ id: r.id })));
    await waitForInlineJobs();
    const rows = await queryRows<{ billing_run_id: string; number: string }>(
      database.db,
      sql`SELECT billing_run_id, number FROM invoices WHERE tenant_id = ${t.tenantId} AND status = 'POSTED'`,
    );
    expect(rows.length).toBe(16);
    const seqs = rows.map((r) => Number(r.number.split("-").pop())).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    const perRun = runs.map((r) => new Set(rows.filter((x) => x.billing_run_id === r.id).map((x) => x.number)));
    expect(perRun[0].size + perRun[1].size).toBe(16);
    const seq = await one<{ last_value: number }>(
      database.db,
      sql`SELECT last_value::int FROM number_sequences WHERE tenant_id = ${t.tenantId} AND kind = 'INVOICE'`,
    );
    expect(seq.last_value).toBe(16);
  });
});
