import { configureRuntime } from "@/tests/support/runtime";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createApiKey } from "@/server/api/api-keys";
import { getInvoicePdf, getInvoiceXml } from "@/server/api/routes/invoices";
import { waitForRunDocuments } from "@/server/documents/run-documents";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest } from "./api-support";
import { cycleRun, newTenant, one, waitForInlineJobs } from "./billing-support";
import { addCustomer } from "./invoice-data";

// Currencies with 3 decimals (KWD …) cannot be EN 16931 documents (amounts have at most 2 decimals): no XML for such
// invoices — the download says why (412), the bulk XML job skips and logs them and succeeds; their PDFs work.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 } } });
});
afterAll(async () => {
  await waitForInlineJobs();
  await waitForRunDocuments();
  await database?.close();
});

type Job = { status: string; done: number; total: number; error: string | null; log: { level: string; message: string }[] };

describe("XML of an invoice in a currency with 3 decimals", () => {
  it("is refused with the reason; the bulk XML job skips it and logs why; its PDF is generated", async () => {
    const t = await newTenant(database.db, { seed: false });
    await addCustomer(database.db, t, { name: "Euro GmbH", email: "eur@example.com", items: [{ charge: "PLAN-PRO", amount: "100.00" }] });
    await addCustomer(database.db, t, { name: "Euro SARL", email: "sarl@example.com", country: "FR", items: [{ charge: "SEATS", amount: "20.00" }] });
    const kwd = await addCustomer(database.db, t, {
      name: "Gulf Trading Co",
      email: "gulf@example.com",
      country: "KW",
      currency: "KWD",
      items: [{ charge: "PLAN-PRO", amount: "12.345" }],
    });
    const { id: runId } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST" }));
    await t.caller.billingRuns.process({ id: runId });
    await waitForInlineJobs();
    expect((await t.caller.billingRuns.get({ id: runId })).postedCount).toBe(3);
    const invoice = await one<{ id: string; number: string; gross: string }>(
      database.db,
      sql`SELECT id, number, gross_total::text AS gross FROM invoices WHERE billing_run_id = ${runId}::uuid AND account_id = ${kwd}::uuid`,
    );
    // a Kuwaiti buyer is outside the EU: no German VAT (server/tax), the amount keeps its 3 decimals
    expect(invoice.gross).toBe("12.345");

    // REST download: a problem document that says why
    const { key } = await createApiKey(database.db, t.tenantId, { name: "test", role: "viewer" }, t.userId);
    const xml = await call(getInvoiceXml, database.db, jsonRequest("GET", `/api/v1/invoices/${invoice.id}/xml`, { key }), { id: invoice.id });
    expect(xml.status).toBe(412);
    expect(xml.body).toMatchObject({
      code: "PRECONDITION_FAILED",
      detail: `No UBL XML for invoice ${invoice.number}: KWD amounts have 3 decimals, but EN 16931 (Peppol BIS Billing 3.0) allows at most 2. Its PDF is available.`,
    });
    const pdf = await getInvoicePdf(database.db, jsonRequest("GET", "/x", { key }), { id: invoice.id });
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");

    // bulk XML: the two EUR invoices get their XML, the KWD one is skipped with the reason, the job succeeds
    const started = await t.caller.billingRuns.generateDocuments({ id: runId, kind: "XML" });
    await waitForRunDocuments();
    const job = await one<Job>(database.db, sql`SELECT status, done, total, error, log FROM job_executions WHERE id = ${started.jobId}::uuid`);
    expect(job).toMatchObject({ status: "SUCCEEDED", done: 2, total: 2, error: null });
    expect(job.log).toContainEqual({
      at: expect.any(String),
      level: "warn",
      message: "1 posted invoice in KWD skipped: KWD amounts have 3 decimals, but EN 16931 (Peppol BIS Billing 3.0) allows at most 2, so no EN 16931 XML can be made (their PDFs are available)",
    });
    const stored = async (kind: "PDF" | "XML") =>
      (
        await queryRows<{ invoice_id: string }>(
          database.db,
          sql`SELECT d.invoice_id FROM documents d JOIN invoices i ON i.id = d.invoice_id WHERE i.billing_run_id = ${runId}::uuid AND d.kind = ${kind}::document_kind`,
        )
      ).map((r) => r.invoice_id);
    expect(await stored("XML")).toHaveLength(2);
    expect(await stored("XML")).not.toContain(invoice.id);

    // again: nothing to do, no loop over the skipped invoice
    const again = await t.caller.billingRuns.generateDocuments({ id: runId, kind: "XML" });
    await waitForRunDocuments();
    expect(await one<Job>(database.db, sql`SELECT status, done, total FROM job_executions WHERE id = ${again.jobId}::uuid`)).toMatchObject({
      status: "SUCCEEDED",
      total: 0,
    });

    // PDFs keep working for every invoice, KWD included
    const pdfs = await t.caller.billingRuns.generateDocuments({ id: runId, kind: "PDF" });
    await waitForRunDocuments();
    expect(await one<Job>(database.db, sql`SELECT status, done FROM job_executions WHERE id = ${pdfs.jobId}::uuid`)).toMatchObject({ status: "SUCCEEDED", done: 3 });
    expect(await stored("PDF")).toContain(invoice.id);
  });
});
