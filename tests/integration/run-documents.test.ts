import { configureRuntime, instanceId } from "@/tests/support/runtime";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { replayMilestone } from "@/tests/support/runtime";
import { waitForRunDocuments } from "@/server/documents/run-documents";
import { noDocumentsMessage, streamRunDocumentsZip, zipPageSize } from "@/server/documents/run-documents-zip";
import { problemResponse } from "@/server/api/problem";
import { runNotificationKey } from "@/server/notifications/run-notifications";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, waitForInlineJobs, type TestTenant } from "./billing-support";

// Bulk document generation (Generate PDF / XML of a run) and the run status e-mails.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 }, email: { resendApiKey: undefined } } }); // e-mails go to the outbox
});
afterAll(async () => {
  await waitForRunDocuments();
  await database?.close();
});

async function setRecipients(t: TestTenant, recipients: string[]) {
  await database.db.execute(sql`UPDATE tenant_profiles SET notification_recipients = ${`{${recipients.join(",")}}`}::text[] WHERE tenant_id = ${t.tenantId}`);
}

async function userEmail(t: TestTenant) {
  return (await one<{ email: string }>(database.db, sql`SELECT email FROM "user" WHERE id = ${t.userId}`)).email;
}

async function postedRun(t: TestTenant) {
  const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
  await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  expect((await t.caller.billingRuns.get({ id })).status).toBe("DRAFTS_READY");
  await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  const run = await t.caller.billingRuns.get({ id });
  expect(run.status).toBe("POSTED");
  return { id, posted: run.postedCount };
}

async function documentsOf(runId: string, kind: "PDF" | "XML") {
  return queryRows<{ id: string; invoice_id: string; file_name: string; content: Buffer | Uint8Array; number: string }>(
    database.db,
    sql`SELECT d.id, d.invoice_id, d.file_name, d.content, i.number FROM documents d JOIN invoices i ON i.id = d.invoice_id
        WHERE i.billing_run_id = ${runId}::uuid AND d.kind = ${kind}::document_kind ORDER BY d.invoice_id`,
  );
}

async function generate(t: TestTenant, id: string, kind: "PDF" | "XML") {
  const res = await t.caller.billingRuns.generateDocuments({ id, kind });
  await waitForRunDocuments();
  const job = await one<{ status: string; done: number; total: number; driver: string; error: string | null; log: { message: string }[] }>(
    database.db,
    sql`SELECT status, done, total, driver, error, log FROM job_executions WHERE id = ${res.jobId}::uuid`,
  );
  return { res, job };
}

describe("Generate XML / PDF for a run", () => {
  it("stores one XML per posted invoice; a re-run generates nothing new; drafts are not stored", async () => {
    const t = await newTenant(database.db, { accounts: 4, items: 60 });
    const { id: draftRun } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "REVIEW" }));
    // NEW: the action is not offered
    await expect(t.caller.billingRuns.generateDocuments({ id: draftRun, kind: "XML" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/documents can be generated once its drafts are ready or it is posted/),
    });

    const { id, posted } = await postedRun(t);
    expect(posted).toBeGreaterThan(0);
    const first = await generate(t, id, "XML");
    expect(first.res.started).toBe(true);
    expect(first.job).toMatchObject({ status: "SUCCEEDED", done: posted, total: posted, driver: "inline", error: null });
    const docs = await documentsOf(id, "XML");
    expect(docs).toHaveLength(posted);
    expect(new Set(docs.map((d) => d.invoice_id)).size).toBe(posted);
    for (const d of docs) {
      const xml = Buffer.from(d.content).toString("utf8");
      expect(xml).toContain("<cbc:ID>" + d.number + "</cbc:ID>");
      expect(d.file_name).toBe(`${d.number.replace(/[^A-Za-z0-9._-]+/g, "_")}.xml`);
    }

    const again = await generate(t, id, "XML");
    expect(again.job).toMatchObject({ status: "SUCCEEDED", done: 0, total: 0 });
    expect(again.job.log.map((l) => l.message).join("\n")).toMatch(/already has its XML/);
    expect((await documentsOf(id, "XML")).map((d) => d.id)).toEqual(docs.map((d) => d.id));

    // the UI reads the PDF / XML executions for progress
    const kinds = (await t.caller.billingRuns.executions({ id })).filter((e) => e.kind === "XML").map((e) => e.status);
    expect(kinds).toEqual(["SUCCEEDED", "SUCCEEDED"]);
  });

  it("refuses a second start while one runs; generates the PDFs", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 30 });
    const { id, posted } = await postedRun(t);
    const results = await Promise.allSettled([
      t.caller.billingRuns.generateDocuments({ id, kind: "PDF" }),
      t.caller.billingRuns.generateDocuments({ id, kind: "PDF" }),
    ]);
    await waitForRunDocuments();
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/already generating PDF documents/) });
    const pdfs = await documentsOf(id, "PDF");
    expect(pdfs).toHaveLength(posted);
    expect(Buffer.from(pdfs[0].content).subarray(0, 5).toString()).toBe("%PDF-");

    // deterministic variant: a live RUNNING execution of this process blocks a start; a stale one is taken over
    await database.db.execute(sql`INSERT INTO job_executions (tenant_id, billing_run_id, kind, driver, params)
      VALUES (${t.tenantId}, ${id}::uuid, 'XML', 'inline', ${JSON.stringify({ _instance: instanceId() })}::jsonb)`);
    await expect(t.caller.billingRuns.generateDocuments({ id, kind: "XML" })).rejects.toMatchObject({ code: "CONFLICT" });
    await database.db.execute(sql`UPDATE job_executions SET heartbeat_at = now() - interval '10 minutes'
      WHERE billing_run_id = ${id}::uuid AND kind = 'XML' AND status = 'RUNNING'`);
    const taken = await generate(t, id, "XML");
    expect(taken.job).toMatchObject({ status: "SUCCEEDED", done: posted });
    expect(await documentsOf(id, "XML")).toHaveLength(posted);

    // the ZIP of the run's documents, streamed in pages (page size 2 forces several pages)
    zipPageSize.value = 2;
    const zip = (await streamRunDocumentsZip(database.db, t.tenantId, id))!;
    const bytes = Buffer.from(await new Response(zip.stream).arrayBuffer());
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "run-zip-")), zip.fileName);
    writeFileSync(file, bytes);
    const entries = execFileSync("unzip", ["-Z1", file], { encoding: "utf8" }).trim().split("\n").sort();
    const expected = [...pdfs.map((d) => `pdf/${d.file_name}`), ...(await documentsOf(id, "XML")).map((d) => `xml/${d.file_name}`)].sort();
    expect(entries).toEqual(expected);
    execFileSync("unzip", ["-tq", file]); // CRCs check out
    const xmlOnly = (await streamRunDocumentsZip(database.db, t.tenantId, id, "XML"))!;
    expect(Buffer.from(await new Response(xmlOnly.stream).arrayBuffer()).length).toBeGreaterThan(0);
    // another tenant's run is not found: neither its ZIP nor Generate
    const other = await newTenant(database.db, { seed: false });
    expect(await streamRunDocumentsZip(database.db, other.tenantId, id)).toBeNull();
    await expect(other.caller.billingRuns.generateDocuments({ id, kind: "XML" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("run documents ZIP before anything was generated", () => {
  it("explains what to generate (412 problem) instead of an empty archive", async () => {
    const t = await newTenant(database.db, { accounts: 2, items: 10 });
    const { id } = await postedRun(t);
    const refusal = await streamRunDocumentsZip(database.db, t.tenantId, id).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({ code: "PRECONDITION_FAILED", message: noDocumentsMessage() });
    // what the route answers (app/(dashboard)/billing-runs/[id]/documents.zip) and the run page toasts
    const response = problemResponse(refusal, `/billing-runs/${id}/documents.zip`);
    expect(response.status).toBe(412);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ detail: expect.stringMatching(/Generate PDF or Generate XML first/) });

    // one kind generated: the other kind still explains itself, the whole archive has the XML
    await generate(t, id, "XML");
    await expect(streamRunDocumentsZip(database.db, t.tenantId, id, "PDF")).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/No PDF documents .* Generate PDF first/),
    });
    const zip = (await streamRunDocumentsZip(database.db, t.tenantId, id))!;
    expect(Buffer.from(await new Response(zip.stream).arrayBuffer()).length).toBeGreaterThan(22); // 22 bytes: an empty ZIP
  });
});

describe("run e-mails", () => {
  async function outbox(runId: string) {
    return queryRows<{ idempotency_key: string; to: string[]; subject: string; status: string; html: string }>(
      database.db,
      sql`SELECT idempotency_key, "to", subject, status::text AS status, html FROM email_outbox WHERE billing_run_id = ${runId}::uuid ORDER BY created_at`,
    );
  }

  it("sends DRAFTS_READY and POSTED once each to the initiating user and the tenant's recipients", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 30 });
    await setRecipients(t, ["ops@example.com", "finance@example.com"]);
    const { id } = await postedRun(t);
    const rows = await outbox(id);
    expect(rows.map((r) => r.idempotency_key)).toEqual([runNotificationKey(id, "DRAFTS_READY"), runNotificationKey(id, "POSTED")]);
    const expected = [await userEmail(t), "ops@example.com", "finance@example.com"];
    for (const r of rows) {
      expect(r.to).toEqual(expected);
      expect(r.status).toBe("OUTBOX");
      expect(r.html).toContain(`/billing-runs/${id}`);
    }
    expect(rows[0].subject).toMatch(/drafts ready for review/);
    expect(rows[1].subject).toMatch(/posted/);

    // a retried milestone (e.g. a replayed job) never sends twice
    await replayMilestone(database.db, { tenantId: t.tenantId, runId: id, milestone: "POSTED" });
    expect(await outbox(id)).toHaveLength(2);

    // FAILED, once
    await replayMilestone(database.db, { tenantId: t.tenantId, runId: id, milestone: "FAILED", error: "boom" });
    await replayMilestone(database.db, { tenantId: t.tenantId, runId: id, milestone: "FAILED", error: "boom" });
    const failed = (await outbox(id)).filter((r) => r.idempotency_key === runNotificationKey(id, "FAILED"));
    expect(failed).toHaveLength(1);
    expect(failed[0].subject).toMatch(/failed/);
    expect(failed[0].html).toContain("boom");
  });

  it("records an e-mail error on the job instead of swallowing it", async () => {
    const t = await newTenant(database.db, { accounts: 2, items: 20 });
    await setRecipients(t, ["not-an-address"]);
    const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    await t.caller.billingRuns.process({ id });
    await waitForInlineJobs();
    expect(await outbox(id)).toHaveLength(0);
    const log = (await one<{ log: { level: string; message: string }[] }>(
      database.db,
      sql`SELECT log FROM job_executions WHERE billing_run_id = ${id}::uuid AND kind = 'INVOICES'`,
    )).log;
    expect(log).toContainEqual(expect.objectContaining({ level: "error", message: expect.stringMatching(/run e-mail \(DRAFTS_READY\) failed: invalid recipient address: not-an-address/) }));

    // drafts are never stored (rendered on demand): generating XML in DRAFTS_READY stores nothing
    const drafts = await generate(t, id, "XML");
    expect(drafts.job).toMatchObject({ status: "SUCCEEDED", done: 0, total: 0 });
    expect(await documentsOf(id, "XML")).toHaveLength(0);
  });
});
