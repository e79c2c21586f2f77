import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { getExecution, listExecutionSummaries } from "@/server/billing/run-activity";
import { createRun, getRun, listExecutions } from "@/server/billing/runs";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant } from "./billing-support";

// Live progress (#19): a running job's time left, from its own counters (elapsed × left / done), the same on the
// dashboard's procedures and the REST executions.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime();
});
afterAll(() => database?.close());

describe("time left of a running job", () => {
  it("is elapsed × left / done while it runs, null before the first chunk and once it ended", async () => {
    const t = await newTenant(database.db, { seed: false });
    const run = await createRun(database.db, t.tenantId, cycleRun(t.billingCycleId), { type: "USER", userId: t.userId });
    const [running, fresh, ended] = await queryRows<{ id: string }>(
      database.db,
      sql`INSERT INTO job_executions (tenant_id, billing_run_id, kind, status, started_at, done, total, ended_at) VALUES
            (${t.tenantId}, ${run.id}::uuid, 'LINES', 'RUNNING', now() - interval '10 seconds', 25, 100, NULL),
            (${t.tenantId}, ${run.id}::uuid, 'PDF', 'RUNNING', now() - interval '10 seconds', 0, 100, NULL),
            (${t.tenantId}, ${run.id}::uuid, 'INVOICES', 'SUCCEEDED', now() - interval '20 seconds', 40, 100, now())
          RETURNING id`,
    );
    const byId = (rows: { id: string; secondsLeft: number | null }[]) => Object.fromEntries(rows.map((r) => [r.id, r.secondsLeft]));

    const rest = byId(await listExecutionSummaries(database.db, t.tenantId, run.id));
    // 25 of 100 in 10 s: 75 more take 30 s (a second more if the clock ticks between the insert and the read)
    expect(rest[running.id]).toBeGreaterThanOrEqual(30);
    expect(rest[running.id]).toBeLessThanOrEqual(32);
    expect(rest[fresh.id]).toBeNull();
    expect(rest[ended.id]).toBeNull();
    expect((await getExecution(database.db, t.tenantId, { id: run.id, executionId: running.id })).secondsLeft).toBe(rest[running.id]);

    const dashboard = byId(await listExecutions(database.db, t.tenantId, run.id));
    expect(dashboard[running.id]).toBeGreaterThanOrEqual(30);
    expect(dashboard[fresh.id]).toBeNull();
    expect(dashboard[ended.id]).toBeNull();
    expect((await getRun(database.db, t.tenantId, run.id)).runningJob?.secondsLeft).not.toBeUndefined();
  });
});
