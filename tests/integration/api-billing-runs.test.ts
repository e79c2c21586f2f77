import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProcessCrash } from "@/server/runtime";
import { configureRuntime, setFaultInjector, waitForInlineJobs } from "@/tests/support/runtime";
import {
  bulkInvoiceActions,
  cancelBillingRun,
  createBillingRun,
  disableBillingRun,
  enableBillingRun,
  getBillingRun,
  listRunInvoices,
  listRuns,
  postBillingRun,
  processBillingRun,
} from "@/server/api/routes/billing-runs";
import { getInvoiceById, getInvoicePdf, getInvoiceXml } from "@/server/api/routes/invoices";
import { postRatedItems } from "@/server/api/routes/ingest";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, ratedItem, seedMasterData, tableCounts, tenantWithKey } from "./api-support";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await waitForInlineJobs();
  await database?.close();
});
const db = () => database.db;

async function readyTenant() {
  const t = await tenantWithKey(db());
  await seedMasterData(db(), t.tenantId, 3, t.billingCycleId);
  const items = Array.from({ length: 30 }, (_, n) => ratedItem(n));
  const res = await call(postRatedItems, db(), jsonRequest("POST", "/api/v1/rated-items", { key: t.key, body: { items } }));
  expect(res.body.inserted).toBe(30);
  return t;
}

const runBody = (billingCycleId: string, extra: Record<string, unknown> = {}) => ({
  type: "CYCLE",
  billingCycleId,
  invoiceDate: "2026-11-30",
  cutoffDate: "2026-11-30",
  ...extra,
});

async function createRunVia(key: string, body: unknown) {
  return call(createBillingRun, db(), jsonRequest("POST", "/api/v1/billing-runs", { key, body }));
}
const get = (key: string, path: string, handler: Parameters<typeof call>[0], params: Record<string, string>) =>
  call(handler, db(), jsonRequest("GET", path, { key }), params);
const post = (key: string, path: string, handler: Parameters<typeof call>[0], params: Record<string, string>, body?: unknown) =>
  call(handler, db(), jsonRequest("POST", path, { key, body }), params);

describe("billing runs over REST", () => {
  it("goes from ingest to posted invoices with XML and PDF downloads", async () => {
    const t = await readyTenant();
    const created = await createRunVia(t.key, runBody(t.billingCycleId));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.headers.get("location")).toBe(`/api/v1/billing-runs/${id}`);

    const processed = await post(t.key, `/api/v1/billing-runs/${id}/process`, processBillingRun, { id });
    expect(processed.status).toBe(202);
    expect(processed.body).toMatchObject({ started: true, statusUrl: `/api/v1/billing-runs/${id}` });
    await waitForInlineJobs();
    const ready = await get(t.key, `/api/v1/billing-runs/${id}`, getBillingRun, { id });
    expect(ready.body).toMatchObject({ status: "DRAFTS_READY", invoicesCount: 3 });

    const drafts = await get(t.key, `/api/v1/billing-runs/${id}/invoices?status=DRAFT,SUSPECT&pageSize=10`, listRunInvoices, { id });
    expect(drafts.status).toBe(200);
    expect(drafts.body.total).toBe(3);
    const draftXml = await call(getInvoiceXml, db(), jsonRequest("GET", "/x", { key: t.key }), { id: drafts.body.rows[0].id });
    expect(draftXml.status).toBe(412); // drafts get no e-invoice XML (issue 17): only a posted invoice is one

    const posted = await post(t.key, `/api/v1/billing-runs/${id}/post`, postBillingRun, { id });
    expect(posted.status).toBe(202);
    await waitForInlineJobs();
    const done = await get(t.key, `/api/v1/billing-runs/${id}`, getBillingRun, { id });
    expect(done.body.status).toBe("POSTED");

    const list = await get(t.key, `/api/v1/billing-runs/${id}/invoices?sort=number`, listRunInvoices, { id });
    const invoice = list.body.rows[0];
    expect(invoice.number).toMatch(/^INV-2026-\d{6}$/);
    const detail = await get(t.key, `/api/v1/invoices/${invoice.id}`, getInvoiceById, { id: invoice.id });
    expect(detail.body).toMatchObject({ id: invoice.id, status: "POSTED", lines: expect.any(Array) });

    const xml = await get(t.key, `/api/v1/invoices/${invoice.id}/xml`, getInvoiceXml, { id: invoice.id });
    expect(xml.status).toBe(200);
    expect(xml.headers.get("content-type")).toBe("application/xml");
    expect(xml.headers.get("content-disposition")).toContain(`${invoice.number}.xml`);
    expect(String(xml.body)).toContain(`<cbc:ID>${invoice.number}</cbc:ID>`);
    const pdf = await getInvoicePdf(db(), jsonRequest("GET", "/x", { key: t.key }), { id: invoice.id });
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");

    // posting again changes nothing
    const again = await post(t.key, `/api/v1/billing-runs/${id}/post`, postBillingRun, { id });
    expect(again.body).toMatchObject({ started: false, status: "POSTED" });

    const runs = await get(t.key, "/api/v1/billing-runs?status=POSTED", listRuns, {});
    expect(runs.body.rows.map((r: { id: string }) => r.id)).toEqual([id]);
  }, 60_000);

  it("applies enable/disable, cancel and bulk actions with the engine's rules", async () => {
    const t = await readyTenant();
    const { body: run } = await createRunVia(t.key, runBody(t.billingCycleId, { mode: "REVIEW" }));
    const id = run.id;
    const disabled = await post(t.key, "/d", disableBillingRun, { id });
    expect(disabled.body).toEqual({ id, disabled: true });
    const refused = await post(t.key, "/p", processBillingRun, { id });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/disabled/);
    await post(t.key, "/e", enableBillingRun, { id });
    const early = await post(t.key, "/post", postBillingRun, { id });
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/only a run with drafts ready can be posted/);

    await post(t.key, "/p", processBillingRun, { id });
    await waitForInlineJobs();
    const list = await get(t.key, "/i", listRunInvoices, { id });
    const target = list.body.rows[0].id;
    const noReason = await post(t.key, "/b", bulkInvoiceActions, { id }, { action: "REJECT", target: { ids: [target] } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([{ field: "reason", message: "a rejection needs a reason" }]);
    const rejected = await post(t.key, "/b", bulkInvoiceActions, { id }, { action: "REJECT", target: { ids: [target] }, reason: "wrong price" });
    expect(rejected.status).toBe(200);
    const blocked = await post(t.key, "/post", postBillingRun, { id });
    expect(blocked.status).toBe(412);
    expect(blocked.body.detail).toMatch(/rejected invoice/);

    const noItems = await post(t.key, "/c", cancelBillingRun, { id }, {});
    expect(noItems.status).toBe(400);
    expect(noItems.body.errors[0].field).toBe("items");
    const canceled = await post(t.key, "/c", cancelBillingRun, { id }, { items: "REOPEN" });
    expect(canceled.status).toBe(202);
    await waitForInlineJobs();
    expect((await get(t.key, "/r", getBillingRun, { id })).body.status).toBe("CANCELED");
  }, 60_000);

  it("post resumes a posting abandoned by a crash (as process does), instead of answering that the run is POSTING", async () => {
    const t = await readyTenant();
    const { body: run } = await createRunVia(t.key, runBody(t.billingCycleId, { mode: "REVIEW" }));
    const id = run.id;
    await post(t.key, "/p", processBillingRun, { id });
    await waitForInlineJobs();
    setFaultInjector(({ job, chunk }) => {
      if (job.kind === "POSTING" && chunk.no === 0) throw new ProcessCrash("the app process died while posting");
    });
    expect((await post(t.key, "/post", postBillingRun, { id })).status).toBe(202);
    await waitForInlineJobs();
    expect((await get(t.key, "/r", getBillingRun, { id })).body.status).toBe("POSTING");
    // a new process (another instance; its stale-job limit passed for the dead job's heartbeat)
    configureRuntime({ settings: { jobs: { staleAfterMs: { inline: 500 } } } });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const resumed = await post(t.key, "/post", postBillingRun, { id });
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ started: true, step: "POSTING", message: expect.stringMatching(/posting resumed/) });
    await waitForInlineJobs();
    expect((await get(t.key, "/r", getBillingRun, { id })).body.status).toBe("POSTED");
    configureRuntime();
  }, 60_000);

  it("refuses invalid runs, ids and query parameters with specific messages", async () => {
    const t = await tenantWithKey(db());
    const before = await tableCounts(db());
    const bad = await createRunVia(t.key, { type: "CYCLE", invoiceDate: "2026-11-31", cutoffDate: "2026-11-30" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { field: "invoiceDate", message: "is not a valid calendar date" },
        { field: "billingCycleId", message: "a cycle run needs a billing cycle" },
      ]),
    );
    const badId = await get(t.key, "/r", getBillingRun, { id: "not-a-uuid" });
    expect(badId.status).toBe(400);
    expect(badId.body.errors).toEqual([{ field: "id", message: "must be a UUID" }]);
    const badQuery = await get(t.key, "/api/v1/billing-runs?colour=red", listRuns, {});
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.detail).toMatch(/Unknown query parameter: colour/);
    const badPage = await get(t.key, "/api/v1/billing-runs?pageSize=100000", listRuns, {});
    expect(badPage.status).toBe(400);
    expect(badPage.body.errors[0].field).toBe("pageSize");
    expect(await tableCounts(db())).toEqual(before);
  });

  it("answers another tenant's runs and invoices with 404, and a viewer key only reads", async () => {
    const a = await readyTenant();
    const b = await tenantWithKey(db());
    const viewer = await tenantWithKey(db(), "viewer");
    const { body: run } = await createRunVia(a.key, runBody(a.billingCycleId));
    await post(a.key, "/p", processBillingRun, { id: run.id });
    await waitForInlineJobs();
    const invoices = await get(a.key, "/i", listRunInvoices, { id: run.id });
    const invoiceId = invoices.body.rows[0].id;

    for (const [handler, params] of [
      [getBillingRun, { id: run.id }],
      [listRunInvoices, { id: run.id }],
      [getInvoiceById, { id: invoiceId }],
      [getInvoiceXml, { id: invoiceId }],
      [getInvoicePdf, { id: invoiceId }],
    ] as const) {
      const res = await get(b.key, "/x", handler, params);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("NOT_FOUND");
    }
    for (const handler of [processBillingRun, postBillingRun, disableBillingRun, enableBillingRun]) {
      expect((await post(b.key, "/x", handler, { id: run.id })).status).toBe(404);
    }
    expect((await post(b.key, "/x", cancelBillingRun, { id: run.id }, { items: "REOPEN" })).status).toBe(404);
    expect((await post(b.key, "/x", bulkInvoiceActions, { id: run.id }, { action: "VALIDATE", target: { ids: [invoiceId] } })).status).toBe(404);
    expect((await get(b.key, "/api/v1/billing-runs", listRuns, {})).body.total).toBe(0);

    const readOnly = await createRunVia(viewer.key, runBody(viewer.billingCycleId));
    expect(readOnly.status).toBe(403);
    expect((await get(viewer.key, "/api/v1/billing-runs", listRuns, {})).status).toBe(200);
  }, 60_000);
});
