import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/api/api-keys";
import { createBillingRun, getBillingRun, processBillingRun } from "@/server/api/routes/billing-runs";
import { getOutboxMessageById, listOutboxMessages } from "@/server/api/routes/outbox";
import {
  getRunDocumentsZip,
  getRunExecution,
  getRunExecutionLog,
  getRunOptions,
  getRunStatistics,
  listRunExecutions,
  listRunFailures,
  retryRunFailures,
  saveRunDescriptionEndpoint,
  startRunDocumentJob,
  startRunEmails,
} from "@/server/api/routes/run-activity";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { waitForInlineJobs } from "@/tests/support/runtime";
import { cycleRun, newTenant, one } from "./billing-support";
import { call, jsonRequest } from "./api-support";

// The run page's capabilities over REST (parity with the dashboard): failed accounts (paged), Retry failed, executions
// and their paged logs, statistics, document jobs and their progress, the ZIP, e-mails, the outbox, the description.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await waitForInlineJobs();
  await database?.close();
});
const db = () => database.db;

async function tenantWithFailure() {
  const t = await newTenant(db(), { accounts: 6, items: 120 });
  const { key } = await createApiKey(db(), t.tenantId, { name: "rest", role: "operator" }, t.userId);
  const bad = await one<{ id: string; currency: string }>(db(), sql`SELECT id, currency FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 1`);
  await db().execute(sql`
    INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
    SELECT ${t.tenantId}, ${bad.id}::uuid, id, 'Imported usage', 1, 12.5, 12.5, ${bad.currency === "EUR" ? "USD" : "EUR"}, '2026-10-15', 'BAD-1'
    FROM charges WHERE tenant_id = ${t.tenantId} AND code = 'API-CALLS'`);
  return { ...t, key, bad };
}

const get = (key: string, path: string, handler: Parameters<typeof call>[0], params: Record<string, string> = {}) =>
  call(handler, db(), jsonRequest("GET", path, { key }), params);
const post = (key: string, path: string, handler: Parameters<typeof call>[0], params: Record<string, string>, body?: unknown, headers?: Record<string, string>) =>
  call(handler, db(), jsonRequest("POST", path, { key, body, headers }), params);

describe("run activity over REST", () => {
  it("failures paged, Retry failed, executions with paged logs, statistics, description", async () => {
    const t = await tenantWithFailure();
    const options = await get(t.key, "/api/v1/billing-runs/options", getRunOptions);
    expect(options.body.cycles.map((c: { id: string }) => c.id)).toContain(t.billingCycleId);
    const created = await post(t.key, "/api/v1/billing-runs", createBillingRun, {}, cycleRun(t.billingCycleId));
    const id = created.body.id;
    await post(t.key, "/process", processBillingRun, { id });
    await waitForInlineJobs();

    const failures = await get(t.key, `/api/v1/billing-runs/${id}/failures?page=1&pageSize=1`, listRunFailures, { id });
    expect(failures.status).toBe(200);
    expect(failures.body).toMatchObject({ total: 1, page: 1, pageSize: 1, rows: [{ accountId: t.bad.id, step: "LINES", reason: expect.stringMatching(/Mixed currencies/) }] });
    expect((await get(t.key, `/x?page=2&pageSize=1`, listRunFailures, { id })).body).toMatchObject({ total: 1, rows: [] });
    const badPage = await get(t.key, `/x?pageSize=0`, listRunFailures, { id });
    expect(badPage.status).toBe(400);
    expect(badPage.body.errors[0].field).toBe("pageSize");

    const executions = await get(t.key, `/x`, listRunExecutions, { id });
    const lines = executions.body.rows.find((e: { kind: string }) => e.kind === "LINES");
    expect(lines).toMatchObject({ status: "SUCCEEDED", logLines: expect.any(Number) });
    expect(lines.log).toBeUndefined();
    const all = await get(t.key, `/x?pageSize=1000`, getRunExecutionLog, { id, executionId: lines.id });
    expect(all.body.total).toBe(lines.logLines);
    expect(all.body.rows).toHaveLength(lines.logLines);
    expect(all.body.rows.some((l: { level: string; message: string }) => l.level === "warn" && /1 accounts failed/.test(l.message))).toBe(true);
    const second = await get(t.key, `/x?page=2&pageSize=1`, getRunExecutionLog, { id, executionId: lines.id });
    expect(second.body.rows).toEqual([all.body.rows[1]]);
    // another run's execution id is not found under this run
    expect((await get(t.key, `/x`, getRunExecution, { id: lines.id, executionId: lines.id })).status).toBe(404);

    const stats = await get(t.key, `/x`, getRunStatistics, { id });
    expect(stats.status).toBe(200);
    expect(stats.body.counts).toMatchObject({ accounts: 5 });

    const described = await post(t.key, "/x", saveRunDescriptionEndpoint, { id }, { description: "November, second try" });
    expect(described.body).toEqual({ id, description: "November, second try" });

    await db().execute(sql`DELETE FROM rated_items WHERE external_id = 'BAD-1' AND tenant_id = ${t.tenantId}`);
    const retry = await post(t.key, "/x", retryRunFailures, { id }, undefined, { "Idempotency-Key": `retry-${id}` });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("location")).toBe(`/api/v1/billing-runs/${retry.body.id}`);
    // the replay keeps the Location header and creates nothing
    const replay = await post(t.key, "/x", retryRunFailures, { id }, undefined, { "Idempotency-Key": `retry-${id}` });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("location")).toBe(`/api/v1/billing-runs/${retry.body.id}`);
    const retried = await get(t.key, `/x`, getBillingRun, { id: retry.body.id });
    expect(retried.body).toMatchObject({ type: "EXCEPTIONAL", filter: { accountIds: [t.bad.id] }, sourceRunId: id });
  });

  it("document jobs: start, progress, the ZIP; e-mails and the outbox", async () => {
    const t = await tenantWithFailure();
    await db().execute(sql`DELETE FROM rated_items WHERE external_id = 'BAD-1' AND tenant_id = ${t.tenantId}`);
    const created = await post(t.key, "/api/v1/billing-runs", createBillingRun, {}, cycleRun(t.billingCycleId, { mode: "AUTO_POST" }));
    const id = created.body.id;
    await post(t.key, "/process", processBillingRun, { id });
    await waitForInlineJobs();
    expect((await get(t.key, `/x`, getBillingRun, { id })).body.status).toBe("POSTED");

    const noZip = await get(t.key, `/x?kind=XML`, getRunDocumentsZip, { id });
    expect(noZip.status).toBe(412);
    expect((await post(t.key, "/x", startRunDocumentJob, { id }, { kind: "DOCX" })).status).toBe(400);
    const started = await post(t.key, "/x", startRunDocumentJob, { id }, { kind: "XML" });
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe(`/api/v1/billing-runs/${id}/executions/${started.body.jobId}`);
    await waitForInlineJobs();
    const progress = await get(t.key, started.body.statusUrl, getRunExecution, { id, executionId: started.body.jobId });
    expect(progress.body).toMatchObject({ kind: "XML", status: "SUCCEEDED", done: 6, total: 6 });
    const zip = await getRunDocumentsZip(db(), jsonRequest("GET", `/api/v1/billing-runs/${id}/documents.zip?kind=XML`, { key: t.key }), { id });
    expect(zip.status).toBe(200);
    expect(zip.headers.get("content-type")).toBe("application/zip");
    const bytes = Buffer.from(await zip.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe("PK");

    const emails = await post(t.key, "/x", startRunEmails, { id });
    expect(emails.status).toBe(202);
    await waitForInlineJobs();
    const outbox = await get(t.key, `/api/v1/outbox?pageSize=2`, listOutboxMessages);
    expect(outbox.body).toMatchObject({ page: 1, pageSize: 2 });
    expect(outbox.body.total).toBeGreaterThanOrEqual(6);
    const message = await get(t.key, `/x`, getOutboxMessageById, { id: outbox.body.rows[0].id });
    expect(message.body.html).toMatch(/<html|<div|<p/i);
    // another tenant's key sees neither the run nor the e-mail
    const other = await newTenant(db(), { accounts: 1, items: 1 });
    const { key: otherKey } = await createApiKey(db(), other.tenantId, { name: "other", role: "operator" }, other.userId);
    expect((await get(otherKey, `/x`, getOutboxMessageById, { id: outbox.body.rows[0].id })).status).toBe(404);
    expect((await get(otherKey, `/x`, listRunExecutions, { id })).status).toBe(404);
    expect((await getRunDocumentsZip(db(), jsonRequest("GET", `/x`, { key: otherKey }), { id })).status).toBe(404);
  });
});
