import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import type { MemberRole } from "@/db/schema/enums";
import Decimal from "decimal.js";
import { approvalReason } from "@/server/billing/approval-policy";
import { approveRun, postDueApprovedRuns } from "@/server/billing/approvals";
import { createApiKey } from "@/server/api/api-keys";
import { createUserWithMembership } from "@/server/tenants/create-tenant";
import {
  approveBillingRun,
  getReviewRules,
  holdTimedPostEndpoint,
  listAccountHolds,
  listAuditLog,
  listRunApprovals,
  placeAccountHold,
  releaseAccountHold,
  saveApprovalPolicyEndpoint,
  saveReviewRules,
  sendBackBillingRun,
} from "@/server/api/routes/review";
import { callerFor, seedSmallTenant } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, tenantWithKey } from "./api-support";
import { cycleRun, newTenant, runState, waitForInlineJobs, type TestTenant } from "./billing-support";

// Approval before posting (four eyes) and account holds.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 4 } } });
});
afterAll(() => database?.close());

/** Another user of the tenant, with `role`. */
async function colleague(t: TestTenant, role: MemberRole, name: string) {
  const suffix = Math.random().toString(36).slice(2, 8);
  const { userId } = await createUserWithMembership(database.db, {
    email: `${name}-${suffix}@example.com`,
    name,
    password: "correct-horse-battery",
    tenantId: t.tenantId,
    role,
  });
  return { userId, caller: callerFor(database.db, { tenantId: t.tenantId, userId, role }) };
}

async function draftsReady(t: TestTenant, overrides: Record<string, unknown> = {}) {
  const run = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, overrides));
  await t.caller.billingRuns.process({ id: run.id });
  await waitForInlineJobs();
  expect((await runState(database.db, run.id)).status).toBe("DRAFTS_READY");
  return run.id;
}

const decisions = (runId: string) =>
  queryRows<{ decision: string; user_id: string | null; comment: string | null }>(
    database.db,
    sql`SELECT decision, user_id, comment FROM run_approvals WHERE billing_run_id = ${runId}::uuid ORDER BY id`,
  );

describe("approval before posting", () => {
  it("Post waits for an approver other than the requester; API keys and operators cannot approve; every decision is recorded", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 60 });
    await t.caller.review.approvalPolicy.save({ mode: "ALWAYS" });
    const runId = await draftsReady(t);
    // an approver asks to post: the run waits; neither the requester nor the run's creator may approve it
    const requester = await colleague(t, "approver", "Rita Requester");
    const asked = await requester.caller.billingRuns.process({ id: runId });
    expect(asked).toMatchObject({ started: false, status: "AWAITING_APPROVAL" });
    expect((await runState(database.db, runId)).status).toBe("AWAITING_APPROVAL");
    expect((await t.caller.billingRuns.get({ id: runId })).availableActions).toEqual(expect.arrayContaining(["APPROVE", "SEND_BACK", "CANCEL"]));
    // nothing posts meanwhile: Process and Post are refused
    await expect(t.caller.billingRuns.process({ id: runId })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/awaiting approval/) });

    await expect(requester.caller.review.approvals.approve({ id: runId })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/You asked to post/) });
    await expect(t.caller.review.approvals.approve({ id: runId })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/You created/) });
    const operator = await colleague(t, "operator", "Olive Operator");
    await expect(operator.caller.review.approvals.approve({ id: runId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const { id: apiKeyId } = await t.caller.settings.apiKeys.create({ name: "ci", role: "admin" });
    await expect(approveRun(database.db, t.tenantId, { id: runId }, { type: "API_KEY", apiKeyId })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/API keys cannot approve/),
    });
    expect((await runState(database.db, runId)).status).toBe("AWAITING_APPROVAL");

    const approver = await colleague(t, "approver", "Anna Approver");
    const approved = await approver.caller.review.approvals.approve({ id: runId, comment: "checked the suspects" });
    expect(approved.status).toBe("POSTING");
    await waitForInlineJobs();
    expect((await runState(database.db, runId)).status).toBe("POSTED");
    expect(await decisions(runId)).toEqual([
      { decision: "REQUESTED", user_id: requester.userId, comment: expect.stringMatching(/approval needed/) },
      { decision: "APPROVED", user_id: approver.userId, comment: "checked the suspects" },
    ]);
    const audit = await t.caller.review.audit.list({ entityType: "run", entityId: runId });
    expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(["run.approval.requested", "run.approval.approved"]));
    expect(audit.rows.find((r) => r.action === "run.approval.approved")).toMatchObject({ actorId: approver.userId, before: { status: "AWAITING_APPROVAL" }, after: { status: "POSTING" } });
  }, 120_000);

  it("ABOVE: only runs above the invoice count wait; send back needs a comment; a timed post runs once unless held", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 60 });
    await t.caller.review.approvalPolicy.save({ mode: "ABOVE", invoiceCountAbove: 5 });
    const small = await draftsReady(t, { cutoffDate: "2026-10-10" });
    const posted = await t.caller.billingRuns.process({ id: small });
    expect(posted.started).toBe(true);
    await waitForInlineJobs();
    expect((await runState(database.db, small)).status).toBe("POSTED");

    await t.caller.review.approvalPolicy.save({ mode: "ABOVE", invoiceCountAbove: 2 });
    const big = await draftsReady(t);
    await t.caller.billingRuns.process({ id: big });
    expect((await runState(database.db, big)).status).toBe("AWAITING_APPROVAL");
    const approver = await colleague(t, "approver", "Anna Approver");
    await expect(approver.caller.review.approvals.sendBack({ id: big, comment: " " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await approver.caller.review.approvals.sendBack({ id: big, comment: "account X looks wrong" });
    expect((await runState(database.db, big)).status).toBe("DRAFTS_READY");

    await t.caller.billingRuns.process({ id: big });
    const at = new Date(Date.now() + 3600_000);
    const scheduled = await approver.caller.review.approvals.approve({ id: big, postAt: at.toISOString() });
    expect(scheduled.status).toBe("AWAITING_APPROVAL");
    expect(await postDueApprovedRuns(database.db, new Date())).toBe(0); // not due yet
    // two schedulers ticking after T: one posting
    const started = await Promise.all([postDueApprovedRuns(database.db, new Date(at.getTime() + 1000)), postDueApprovedRuns(database.db, new Date(at.getTime() + 1000))]);
    expect(started[0] + started[1]).toBe(1);
    await waitForInlineJobs();
    expect((await runState(database.db, big)).status).toBe("POSTED");
    expect((await decisions(big)).map((d) => d.decision)).toEqual(["REQUESTED", "SENT_BACK", "REQUESTED", "APPROVED", "AUTO_POSTED"]);
  }, 120_000);

  it("ABOVE per currency: a run waits when its gross total in one currency is above that currency's threshold, named in the reason", async () => {
    // 7 accounts of the seed: 5 invoice in EUR, 2 in USD
    const t = await newTenant(database.db, { accounts: 7, items: 70 });
    const runId = await draftsReady(t);
    const totals = Object.fromEntries(
      (
        await queryRows<{ currency: string; gross: string }>(
          database.db,
          sql`SELECT currency, sum(gross_total)::text AS gross FROM invoices
              WHERE billing_run_id = ${runId}::uuid AND status IN ('DRAFT', 'SUSPECT') GROUP BY currency`,
        )
      ).map((r) => [r.currency, r.gross]),
    );
    expect(Object.keys(totals).sort()).toEqual(["EUR", "USD"]);
    const { EUR: eur, USD: usd } = totals;
    const cent = (amount: string, by: number) => new Decimal(amount).plus(by).toFixed(2);

    // each currency exactly at its threshold (not above), and a far lower threshold in a currency the run does not have
    await t.caller.review.approvalPolicy.save({ mode: "ABOVE", grossAbove: { EUR: eur, USD: usd, JPY: "1" } });
    expect(await approvalReason(database.db, t.tenantId, runId)).toBeNull();
    // USD one cent below its total: the run waits, though EUR (far larger) stays under its own threshold
    await t.caller.review.approvalPolicy.save({ mode: "ABOVE", grossAbove: { EUR: cent(eur, 1000), USD: cent(usd, -0.01) } });
    const reason = `gross total ${usd} USD above the USD threshold ${cent(usd, -0.01)}`;
    expect(await approvalReason(database.db, t.tenantId, runId)).toBe(reason);
    // a currency without a threshold never triggers by amount
    await t.caller.review.approvalPolicy.save({ mode: "ABOVE", grossAbove: { EUR: cent(eur, 1000) } });
    expect(await approvalReason(database.db, t.tenantId, runId)).toBeNull();

    await t.caller.review.approvalPolicy.save({ mode: "ABOVE", grossAbove: { EUR: cent(eur, 1000), USD: cent(usd, -0.01) } });
    const asked = await t.caller.billingRuns.process({ id: runId });
    expect(asked).toMatchObject({ started: false, status: "AWAITING_APPROVAL" });
    expect(await decisions(runId)).toEqual([{ decision: "REQUESTED", user_id: t.userId, comment: `approval needed: ${reason}` }]);
  }, 120_000);

  it("the audit log is append-only", async () => {
    const t = await newTenant(database.db, { accounts: 1, items: 0 });
    await t.caller.review.approvalPolicy.save({ mode: "ALWAYS" });
    const refusal = (query: ReturnType<typeof sql>) =>
      database.db.execute(query).then(
        () => "accepted",
        (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
      );
    expect(await refusal(sql`UPDATE audit_log SET action = 'x' WHERE tenant_id = ${t.tenantId}`)).toMatch(/append-only: UPDATE refused/);
    expect(await refusal(sql`DELETE FROM audit_log WHERE tenant_id = ${t.tenantId}`)).toMatch(/append-only: DELETE refused/);
    expect((await t.caller.review.audit.list({})).rows).toHaveLength(1);
  });
});

describe("account holds", () => {
  it("a held account is skipped (items stay OPEN, counted in the statistics) and billed by the next run after the hold ends", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 60 });
    const [held] = await queryRows<{ id: string }>(database.db, sql`SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 1`);
    const itemsOf = () =>
      queryRows<{ status: string; claimed: boolean }>(
        database.db,
        sql`SELECT r.status, EXISTS (SELECT 1 FROM rated_item_claims c WHERE c.rated_item_id = r.id) AS claimed
            FROM rated_items r WHERE r.account_id = ${held.id}::uuid AND r.usage_date < '2026-11-01'`,
      );
    const hold = await t.caller.review.holds.place({ accountId: held.id, reason: "disputed contract" });
    await expect(t.caller.review.holds.place({ accountId: held.id, reason: "again" })).rejects.toMatchObject({ code: "CONFLICT" });

    const run1 = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST" }));
    await t.caller.billingRuns.process({ id: run1.id });
    await waitForInlineJobs();
    const invoiced1 = await queryRows<{ account_id: string }>(database.db, sql`SELECT account_id FROM invoices WHERE billing_run_id = ${run1.id}::uuid`);
    expect(invoiced1.length).toBe(2);
    expect(invoiced1.map((i) => i.account_id)).not.toContain(held.id);
    const before = await itemsOf();
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((i) => i.status === "OPEN" && !i.claimed)).toBe(true);
    const stats = await t.caller.billingRuns.statistics({ id: run1.id });
    expect(stats.held.accounts).toBe(1);
    expect(stats.held.items).toBe(before.length);
    const [amount] = await queryRows<{ currency: string; sum: string }>(
      database.db,
      sql`SELECT currency, sum(amount)::text AS sum FROM rated_items WHERE account_id = ${held.id}::uuid AND usage_date < '2026-11-01' GROUP BY currency`,
    );
    expect(stats.held.amounts).toEqual({ [amount.currency]: amount.sum });

    // expired: the hold ends by itself (time moved on), the next run bills the items
    await database.db.execute(sql`UPDATE account_holds SET expires_at = now() - interval '1 second' WHERE id = ${hold.id}::uuid`);
    expect((await t.caller.review.holds.list({ active: true })).length).toBe(0);
    const run2 = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST" }));
    await t.caller.billingRuns.process({ id: run2.id });
    await waitForInlineJobs();
    const invoiced2 = await queryRows<{ account_id: string; status: string }>(database.db, sql`SELECT account_id, status FROM invoices WHERE billing_run_id = ${run2.id}::uuid`);
    expect(invoiced2).toEqual([{ account_id: held.id, status: "POSTED" }]);
    expect((await itemsOf()).every((i) => i.claimed)).toBe(true);

    // a new hold after the expired one; released by hand
    const again = await t.caller.review.holds.place({ accountId: held.id, reason: "second dispute", expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await t.caller.review.holds.release({ id: again.id });
    await expect(t.caller.review.holds.release({ id: again.id })).rejects.toMatchObject({ code: "CONFLICT" });
    const audit = await t.caller.review.audit.list({ entityType: "hold" });
    expect(audit.rows.map((r) => r.action)).toEqual(["hold.release", "hold.place", "hold.place"]);
  }, 120_000);
});

describe("REST v1", () => {
  it("rules, approval policy, holds and the audit log over the API; an API key cannot approve", async () => {
    const t = await tenantWithKey(database.db, "admin");
    const rules = await call(getReviewRules, database.db, jsonRequest("GET", "/api/v1/review-rules", { key: t.key }));
    expect(rules.status).toBe(200);
    expect(rules.body.rules.map((r: { kind: string }) => r.kind)).toContain("USAGE_CHANGE_PERCENT");
    const bad = await call(saveReviewRules, database.db, jsonRequest("POST", "/api/v1/review-rules", { key: t.key, body: { rules: [{ kind: "AMOUNT_ABOVE", severity: "SUSPECT" }] } }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("rules.0.threshold");
    const policy = await call(saveApprovalPolicyEndpoint, database.db, jsonRequest("POST", "/api/v1/approval-policy", { key: t.key, body: { mode: "ALWAYS" } }));
    expect(policy.body).toEqual({ mode: "ALWAYS", grossAbove: {}, invoiceCountAbove: null });
    // thresholds per currency: a bad one is named by its path; the single number of before 0025 is refused with the new form
    const save = (body: unknown) => call(saveApprovalPolicyEndpoint, database.db, jsonRequest("POST", "/api/v1/approval-policy", { key: t.key, body }));
    const badAmount = await save({ mode: "ABOVE", grossAbove: { EUR: "50000.00", USD: "60000.001" } });
    expect(badAmount.status).toBe(400);
    expect(badAmount.body.errors).toEqual([{ field: "grossAbove.USD", message: "has more than 2 decimals (USD has 2)" }]);
    const badCurrency = await save({ mode: "ABOVE", grossAbove: { EUR: "50000.00", XTS: "1" } });
    expect(badCurrency.body.errors.map((e: { field: string }) => e.field)).toEqual(["grossAbove.XTS"]);
    const oldForm = await save({ mode: "ABOVE", grossAbove: "50000" });
    expect(oldForm.status).toBe(400);
    expect(oldForm.body.errors[0]).toMatchObject({ field: "grossAbove", message: expect.stringContaining('{"EUR": "50000.00"') });
    const saved = await save({ mode: "ABOVE", grossAbove: { USD: "60000.50", EUR: "50000.00", JPY: "7000000" }, invoiceCountAbove: null });
    expect(saved.body).toEqual({ mode: "ABOVE", grossAbove: { EUR: "50000.00", JPY: "7000000", USD: "60000.50" }, invoiceCountAbove: null });
    expect((await save({ mode: "ALWAYS" })).body).toEqual({ mode: "ALWAYS", grossAbove: {}, invoiceCountAbove: null });

    await seedSmallTenant(database.db, t, { accounts: 2, items: 20 });
    const caller = callerFor(database.db, t);
    const run = await caller.billingRuns.create(cycleRun(t.billingCycleId));
    await caller.billingRuns.process({ id: run.id });
    await waitForInlineJobs();
    await caller.billingRuns.process({ id: run.id });
    const approve = await call(approveBillingRun, database.db, jsonRequest("POST", `/api/v1/billing-runs/${run.id}/approve`, { key: t.key, body: {} }), { id: run.id });
    expect(approve.status).toBe(403);
    expect(approve.body.detail).toMatch(/API keys cannot approve/);
    const sentBack = await call(sendBackBillingRun, database.db, jsonRequest("POST", `/api/v1/billing-runs/${run.id}/send-back`, { key: t.key, body: { comment: "not this month" } }), { id: run.id });
    expect(sentBack.body).toEqual({ status: "DRAFTS_READY" });
    const approvals = await call(listRunApprovals, database.db, jsonRequest("GET", `/api/v1/billing-runs/${run.id}/approvals`, { key: t.key }), { id: run.id });
    expect(approvals.body.rows.map((r: { decision: string }) => r.decision)).toEqual(["REQUESTED", "SENT_BACK"]);

    const [account] = await queryRows<{ id: string }>(database.db, sql`SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} LIMIT 1`);
    const placed = await call(placeAccountHold, database.db, jsonRequest("POST", "/api/v1/account-holds", { key: t.key, body: { accountId: account.id, reason: "dispute" } }));
    expect(placed.status).toBe(201);
    const held = await call(listAccountHolds, database.db, jsonRequest("GET", "/api/v1/account-holds?active=true", { key: t.key }));
    expect(held.body.rows.map((h: { id: string }) => h.id)).toEqual([placed.body.id]);
    const released = await call(releaseAccountHold, database.db, jsonRequest("POST", `/api/v1/account-holds/${placed.body.id}/release`, { key: t.key }), { id: placed.body.id });
    expect(released.status).toBe(200);
    const audit = await call(listAuditLog, database.db, jsonRequest("GET", "/api/v1/audit-log?entityType=hold", { key: t.key }));
    expect(audit.body.rows.map((r: { action: string; actorType: string }) => [r.action, r.actorType])).toEqual([
      ["hold.release", "API_KEY"],
      ["hold.place", "API_KEY"],
    ]);
  }, 120_000);

  it("POST /billing-runs/{id}/hold-timed-post: an operator key holds an approved run's timed post; the comment is required; viewer keys are refused", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 30 });
    await t.caller.review.approvalPolicy.save({ mode: "ALWAYS" });
    const runId = await draftsReady(t);
    await t.caller.billingRuns.process({ id: runId });
    const at = new Date(Date.now() + 3600_000);
    const approver = await colleague(t, "approver", "Anna Approver");
    await approver.caller.review.approvals.approve({ id: runId, postAt: at.toISOString() });
    const keyFor = async (role: "operator" | "viewer") => (await createApiKey(database.db, t.tenantId, { name: role, role }, t.userId)).key;
    const hold = async (key: string, body: unknown) =>
      call(holdTimedPostEndpoint, database.db, jsonRequest("POST", `/api/v1/billing-runs/${runId}/hold-timed-post`, { key, body }), { id: runId });
    const operator = await keyFor("operator");

    expect((await hold(await keyFor("viewer"), { comment: "wait" })).status).toBe(403);
    const noComment = await hold(operator, { comment: " " });
    expect(noComment.status).toBe(400);
    expect(noComment.body.errors.map((e: { field: string }) => e.field)).toEqual(["comment"]);
    const [scheduled] = await queryRows<{ auto_post_at: Date | null }>(database.db, sql`SELECT auto_post_at FROM billing_runs WHERE id = ${runId}::uuid`);
    expect(scheduled.auto_post_at).not.toBeNull();

    const held = await hold(operator, { comment: "customer disputes the usage" });
    expect(held.status).toBe(200);
    expect(held.body).toEqual({ status: "AWAITING_APPROVAL" });
    expect(await postDueApprovedRuns(database.db, new Date(at.getTime() + 1000))).toBe(0);
    expect((await runState(database.db, runId)).status).toBe("AWAITING_APPROVAL");
    expect((await decisions(runId)).at(-1)).toEqual({ decision: "HELD", user_id: null, comment: "customer disputes the usage" });
    const again = await hold(operator, { comment: "twice" });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/has no timed post to hold/);
  }, 120_000);
});
