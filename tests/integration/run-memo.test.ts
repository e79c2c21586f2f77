import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createApiKey } from "@/server/api/api-keys";
import { saveRunMemoEndpoint } from "@/server/api/routes/run-activity";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest } from "./api-support";
import { cycleRun, newTenant, waitForInlineJobs } from "./billing-support";

// The run's memo (printed on all its documents): editable on the run page and over REST until posting, audited.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe("run memo", () => {
  it("is saved and cleared before posting, refused once posted, and every change is audited", async () => {
    const t = await newTenant(database.db, { accounts: 2, items: 6 });
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "REVIEW" }));
    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();
    expect((await t.caller.billingRuns.get({ id })).status).toBe("DRAFTS_READY");

    expect(await t.caller.billingRuns.saveMemo({ id, memo: "  Our bank details change on 1 January.  " })).toEqual({ id, memo: "Our bank details change on 1 January." });
    expect((await t.caller.billingRuns.get({ id })).memo).toBe("Our bank details change on 1 January.");

    const { key } = await createApiKey(database.db, t.tenantId, { name: "ops", role: "operator" }, t.userId);
    const rest = (memo: unknown) => call(saveRunMemoEndpoint, database.db, jsonRequest("POST", `/api/v1/billing-runs/${id}/memo`, { key, body: { memo } }), { id });
    expect((await rest("x".repeat(1001))).body.errors).toEqual([{ field: "memo", message: "at most 1000 characters" }]);
    expect((await rest("")).body).toEqual({ id, memo: null });
    expect((await t.caller.billingRuns.get({ id })).memo).toBeNull();

    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();
    expect((await t.caller.billingRuns.get({ id })).status).toBe("POSTED");
    await expect(t.caller.billingRuns.saveMemo({ id, memo: "too late" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/is POSTED/) });
    expect((await rest("too late")).status).toBe(409);

    const audit = await queryRows<{ actor_type: string; before: unknown; after: unknown }>(
      database.db,
      sql`SELECT actor_type, before, after FROM audit_log WHERE tenant_id = ${t.tenantId} AND action = 'run.memo.update' ORDER BY id`,
    );
    expect(audit).toEqual([
      { actor_type: "USER", before: { memo: null }, after: { memo: "Our bank details change on 1 January." } },
      { actor_type: "API_KEY", before: { memo: "Our bank details change on 1 January." }, after: { memo: null } },
    ]);
  });
});
