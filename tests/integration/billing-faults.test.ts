import { configureRuntime, instanceId, setFaultInjector } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, runState, waitForInlineJobs, type TestTenant } from "./billing-support";

// A crash between chunks (fault injected after a chunk committed) fails the run; Process resumes it and the
// result has no duplicate line, invoice or number. A killed process (stale job) is taken over by Process.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } } });
});
afterEach(() => setFaultInjector(null));
afterAll(() => database?.close());

function crashOnce(kind: string, afterChunk: number) {
  let fired = false;
  setFaultInjector(({ job, chunk }) => {
    if (!fired && job.kind === kind && chunk.no === afterChunk) {
      fired = true;
      throw new Error(`injected crash after ${kind} chunk ${afterChunk}`);
    }
  });
}

async function assertNoDuplicates(t: TestTenant, runId: string) {
  const dupLines = await one<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM (SELECT account_id, charge_id FROM invoice_lines WHERE billing_run_id = ${runId}::uuid
        GROUP BY 1, 2 HAVING count(*) > 1) d`,
  );
  expect(dupLines.n).toBe(0);
  const eligible = await one<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM rated_items WHERE tenant_id = ${t.tenantId} AND usage_date < '2026-11-01'`,
  );
  const claims = await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM rated_item_claims WHERE billing_run_id = ${runId}::uuid`);
  expect(claims.n).toBe(eligible.n);
  const lineItems = await one<{ n: number }>(
    database.db,
    sql`SELECT coalesce(sum(items_count), 0)::int AS n FROM invoice_lines WHERE billing_run_id = ${runId}::uuid`,
  );
  expect(lineItems.n).toBe(eligible.n);
  const invoices = await one<{ n: number; accounts: number }>(
    database.db,
    sql`SELECT count(*)::int AS n, count(DISTINCT account_id)::int AS accounts FROM invoices WHERE origin_run_id = ${runId}::uuid`,
  );
  expect(invoices.n).toBe(invoices.accounts);
  const numbers = await queryRows<{ number: string }>(
    database.db,
    sql`SELECT number FROM invoices WHERE tenant_id = ${t.tenantId} AND status = 'POSTED' ORDER BY number`,
  );
  const seqs = numbers.map((r) => Number(r.number.split("-").pop()));
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  return invoices.n;
}

describe("fault injection between chunks", () => {
  for (const [kind, afterChunk] of [["LINES", 1], ["INVOICES", 0], ["POSTING", 1]] as const) {
    it(`a crash after ${kind} chunk ${afterChunk} → FAILED; Process retries the step and completes without duplicates`, async () => {
      const t = await newTenant(database.db, { accounts: 10, items: 300 });
      const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST" }));
      crashOnce(kind, afterChunk);
      await t.caller.billingRuns.process({ id });
      await waitForInlineJobs();
      const failed = await t.caller.billingRuns.get({ id });
      expect(failed.status).toBe("FAILED");
      expect(failed.failedStep).toBe(kind);
      expect(failed.errorSummary).toMatch(/injected crash/);
      expect(failed.availableActions).toContain("PROCESS");
      expect(failed.processLabel).toMatch(/^Retry/);
      const exec = await t.caller.billingRuns.executions({ id });
      expect(exec[0]).toMatchObject({ kind, status: "FAILED", error: expect.stringMatching(/injected crash/) });
      expect(exec[0].log.at(-1)).toMatchObject({ level: "error" });

      await t.caller.billingRuns.process({ id });
      await waitForInlineJobs();
      const done = await t.caller.billingRuns.get({ id });
      expect(done.status).toBe("POSTED");
      expect(await assertNoDuplicates(t, id)).toBe(10);
      expect(done.postedCount).toBe(10);
    });
  }

  it("a job abandoned by a killed process (stale heartbeat) is taken over by Process; a live one is not", async () => {
    const t = await newTenant(database.db, { accounts: 7, items: 140 });
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "MANUAL" }));
    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();
    // Simulate: the invoicing job of another process started, did nothing, and the process died.
    await database.db.execute(sql`UPDATE billing_runs SET status = 'CREATING_INVOICES' WHERE id = ${id}::uuid`);
    await database.db.execute(sql`INSERT INTO job_executions (tenant_id, billing_run_id, kind, driver, params, heartbeat_at)
      VALUES (${t.tenantId}, ${id}::uuid, 'INVOICES', 'inline', ${JSON.stringify({ _instance: instanceId() })}::jsonb, now())`);
    // alive (fresh heartbeat, this instance): refused
    await expect(t.caller.billingRuns.process({ id })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/already processing/) });
    await database.db.execute(sql`UPDATE job_executions SET heartbeat_at = now() - interval '1 hour' WHERE billing_run_id = ${id}::uuid AND status = 'RUNNING'`);
    const res = await t.caller.billingRuns.process({ id });
    expect(res.started).toBe(true);
    await waitForInlineJobs();
    expect((await runState(database.db, id)).status).toBe("DRAFTS_READY");
    const exec = await t.caller.billingRuns.executions({ id });
    expect(exec.filter((e) => e.kind === "INVOICES").map((e) => e.status).sort()).toEqual(["FAILED", "SUCCEEDED"]);
    expect(exec.find((e) => e.status === "FAILED")?.error).toMatch(/abandoned/);
  });
});
