import { configureRuntime } from "@/tests/support/runtime";
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { replayMilestone } from "@/tests/support/runtime";
import { waitForRunDocuments } from "@/server/documents/run-documents";
import { invoiceEmailKey } from "@/server/notifications/invoice-emails";
import { startResendRecorder, type RecordedRequest, type ResendRecorder } from "@/tests/support/resend-recorder";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { cycleRun, newTenant, one, waitForInlineJobs, type TestTenant } from "./billing-support";
import { addCustomer } from "./invoice-data";

// E-mail of posted invoices to customers (run option "e-mail invoices" and the E-mail invoices action): the real
// Resend SDK against a local recording server, and the outbox path without RESEND_API_KEY.

let database: TestDatabase;
let resend: ResendRecorder;
beforeAll(async () => {
  database = await createTestDatabase();
  resend = await startResendRecorder();
  configureRuntime({ settings: { engine: { chunkAccounts: 3 }, documents: { chunkSize: 2 } } }); // several chunks per job
});
afterAll(async () => {
  await waitForInlineJobs();
  await waitForRunDocuments();
  await resend?.close();
  await database?.close();
});
beforeEach(() => {
  resend.answer(null);
  resend.useResend();
});

type Job = { id: string; status: string; done: number; total: number; driver: string; error: string | null; log: { level: string; message: string }[] };
type Invoice = { id: string; number: string; type: string; email: string | null; gross_total: string; currency: string };

async function settle() {
  await waitForInlineJobs();
  await waitForRunDocuments();
}

async function postedRun(t: TestTenant, options: Record<string, unknown>) {
  const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST", ...options }));
  await t.caller.billingRuns.process({ id });
  await settle();
  expect((await t.caller.billingRuns.get({ id })).status).toBe("POSTED");
  return id;
}

const emailJobs = (runId: string) =>
  queryRows<Job>(
    database.db,
    sql`SELECT id, status, done, total, driver, error, log FROM job_executions WHERE billing_run_id = ${runId}::uuid AND kind = 'EMAIL' ORDER BY started_at`,
  );

const invoicesOf = (runId: string) =>
  queryRows<Invoice>(
    database.db,
    sql`SELECT id, number, type, buyer->>'email' AS email, gross_total::text AS gross_total, currency::text AS currency
        FROM invoices WHERE billing_run_id = ${runId}::uuid AND status = 'POSTED' ORDER BY number`,
  );

/** The invoice e-mails Resend received for this tenant (run status e-mails go through Resend too: left out). */
const invoiceRequests = (t: TestTenant) =>
  resend.requests.filter((r) => String(r.headers["idempotency-key"] ?? "").startsWith(`${t.tenantId}:invoice:`));

const invoiceIdOf = (r: RecordedRequest) => String(r.headers["idempotency-key"]).split(":")[2];
const messages = (job: Job) => job.log.map((l) => l.message).join("\n");

describe("e-mail of posted invoices (Resend)", () => {
  it("sends each buyer its invoice with the stored PDF attached, once; buyers without e-mail are skipped and counted", async () => {
    const t = await newTenant(database.db, { accounts: 5, items: 50 });
    // two customers without a usable address (the invoice keeps the buyer snapshot taken when it was created)
    await database.db.execute(sql`UPDATE customer_accounts SET email = CASE WHEN external_id LIKE '%1' THEN NULL ELSE '  ' END
      WHERE id IN (SELECT id FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 2)`);
    const runId = await postedRun(t, { emailInvoices: true });

    const invoices = await invoicesOf(runId);
    expect(invoices).toHaveLength(5);
    const withEmail = invoices.filter((i) => i.email?.trim());
    expect(withEmail).toHaveLength(3);

    const [job] = await emailJobs(runId);
    expect(job).toMatchObject({ status: "SUCCEEDED", done: 3, total: 3, driver: "inline", error: null });
    expect(messages(job)).toMatch(/started on post \(run option\)/);
    expect(job.log).toContainEqual(expect.objectContaining({ level: "warn", message: "2 posted invoices skipped: the buyer has no e-mail address" }));
    expect(messages(job)).toMatch(/done: 3\/3 invoice e-mails sent; skipped: 2 without buyer e-mail/);

    const sent = invoiceRequests(t);
    expect(sent).toHaveLength(3);
    const pdfs = await queryRows<{ id: string; invoice_id: string; file_name: string; content: Buffer | Uint8Array }>(
      database.db,
      sql`SELECT d.id, d.invoice_id, d.file_name, d.content FROM documents d JOIN invoices i ON i.id = d.invoice_id
          WHERE i.billing_run_id = ${runId}::uuid AND d.kind = 'PDF'`,
    );
    expect(pdfs.map((p) => p.invoice_id).sort()).toEqual(withEmail.map((i) => i.id).sort());
    const [{ legal_name: seller }] = await queryRows<{ legal_name: string }>(
      database.db,
      sql`SELECT legal_name FROM tenant_profiles WHERE tenant_id = ${t.tenantId}`,
    );
    for (const req of sent) {
      const invoice = invoices.find((i) => i.id === invoiceIdOf(req))!;
      expect(req.method).toBe("POST");
      expect(req.url).toBe("/emails");
      expect(req.headers["idempotency-key"]).toBe(`${t.tenantId}:${invoiceEmailKey(invoice.id)}`);
      expect(req.body.to).toEqual([invoice.email]);
      expect(req.body.subject).toBe(`${invoice.type === "CREDIT_NOTE" ? "Credit note" : "Invoice"} ${invoice.number} from ${seller}`);
      expect(String(req.body.html)).toContain(invoice.number);
      expect(String(req.body.text)).toMatch(/Amount (due|credited)/);
      const attachments = req.body.attachments as Array<{ filename: string; content: string }>;
      expect(attachments).toHaveLength(1);
      expect(attachments[0].filename).toBe(`${invoice.number}.pdf`);
      const bytes = Buffer.from(attachments[0].content, "base64");
      expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
      const stored = pdfs.find((p) => p.invoice_id === invoice.id)!;
      expect(sha(bytes)).toBe(sha(Buffer.from(stored.content)));
    }
    const outbox = await queryRows<{ idempotency_key: string; status: string; attachments: unknown }>(
      database.db,
      sql`SELECT idempotency_key, status::text AS status, attachments FROM email_outbox WHERE tenant_id = ${t.tenantId} AND idempotency_key LIKE 'invoice:%'`,
    );
    expect(outbox).toHaveLength(3);
    for (const row of outbox) {
      const pdf = pdfs.find((p) => invoiceEmailKey(p.invoice_id) === row.idempotency_key)!;
      expect(row).toMatchObject({ status: "SENT", attachments: [{ fileName: pdf.file_name, contentType: "application/pdf", documentId: pdf.id }] });
    }

    // the action again: nothing new is sent
    const again = await t.caller.billingRuns.emailInvoices({ id: runId });
    expect(again.started).toBe(true);
    await settle();
    const second = (await emailJobs(runId))[1];
    expect(second).toMatchObject({ status: "SUCCEEDED", done: 0, total: 0 });
    expect(messages(second)).toMatch(/nothing to send/);
    expect(messages(second)).toMatch(/3 already e-mailed earlier: not sent again/);
    expect(invoiceRequests(t)).toHaveLength(3);

    // a replayed POSTED milestone does not start another job
    await replayMilestone(database.db, { tenantId: t.tenantId, runId, milestone: "POSTED" });
    await settle();
    expect(await emailJobs(runId)).toHaveLength(2);
  });

  it("a run posted without the option e-mails nobody and starts no e-mail job", async () => {
    const t = await newTenant(database.db, { accounts: 2, items: 10 });
    const runId = await postedRun(t, { emailInvoices: false });
    expect(await invoicesOf(runId)).toHaveLength(2);
    expect(await emailJobs(runId)).toEqual([]);
    expect(invoiceRequests(t)).toEqual([]);
  });

  it("skips zero-amount invoices when the run skips them", async () => {
    const t = await newTenant(database.db, { seed: false });
    await addCustomer(database.db, t, { name: "Paying GmbH", email: "pay@example.com", items: [{ charge: "PLAN-PRO", amount: "100.00" }] });
    // 100.00 at 19 % (VAT 19.00) and -119.00 exempt: net -19.00 + VAT 19.00 = nothing to pay. The invoicing stage keeps
    // it (its VAT breakdowns are not zero), the e-mail job must leave it out.
    const zeroId = await addCustomer(database.db, t, {
      name: "Zero AG",
      email: "zero@example.com",
      items: [
        { charge: "PLAN-PRO", amount: "100.00" },
        { charge: "TRAINING", amount: "-119.00" },
      ],
    });
    const runId = await postedRun(t, { emailInvoices: true, skipZeroAmount: true });
    const invoices = await invoicesOf(runId);
    expect(invoices).toHaveLength(2);
    expect(
      (await one<{ gross: string }>(database.db, sql`SELECT gross_total::text AS gross FROM invoices WHERE billing_run_id = ${runId}::uuid AND account_id = ${zeroId}::uuid`)).gross,
    ).toMatch(/^0(\.0+)?$/);

    const [job] = await emailJobs(runId);
    expect(job).toMatchObject({ status: "SUCCEEDED", done: 1, total: 1 });
    expect(job.log).toContainEqual(expect.objectContaining({ message: "1 zero-amount invoice skipped (run option: skip zero-amount invoices)" }));
    expect(invoiceRequests(t).map((r) => r.body.to)).toEqual([["pay@example.com"]]);
  });

  it("a Resend 422 fails that e-mail only; the job ends FAILED and Re-send missing sends just that one", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 30 });
    const [victim] = await queryRows<{ email: string }>(
      database.db,
      sql`SELECT email FROM customer_accounts WHERE tenant_id = ${t.tenantId} ORDER BY external_id LIMIT 1`,
    );
    resend.answer((req) =>
      (req.body.to as string[] | undefined)?.includes(victim.email)
        ? { status: 422, body: { statusCode: 422, name: "validation_error", message: "The recipient is on the suppression list" } }
        : { status: 200, body: { id: `msg_${resend.requests.length}` } },
    );
    const runId = await postedRun(t, { emailInvoices: true });

    const [job] = await emailJobs(runId);
    expect(job.status).toBe("FAILED");
    expect(job.error).toBe(`1 of 3 invoice e-mails could not be sent (see the log); "Re-send missing e-mails" retries them`);
    expect(job.log).toContainEqual(
      expect.objectContaining({ level: "error", message: expect.stringMatching(new RegExp(`to ${escapeRegExp(victim.email)}: .*validation_error: The recipient is on the suppression list`)) }),
    );
    expect(invoiceRequests(t)).toHaveLength(3); // the other two went out
    const run = await t.caller.billingRuns.get({ id: runId });
    expect(run.availableActions).toContain("EMAIL_INVOICES");

    resend.answer(null);
    await t.caller.billingRuns.emailInvoices({ id: runId });
    await settle();
    const retry = (await emailJobs(runId))[1];
    expect(retry).toMatchObject({ status: "SUCCEEDED", done: 1, total: 1, error: null });
    const requests = invoiceRequests(t);
    expect(requests).toHaveLength(4);
    expect(requests[3].body.to).toEqual([victim.email]);
    expect(requests[3].headers["idempotency-key"]).toBe(requests.find((r) => (r.body.to as string[])[0] === victim.email)!.headers["idempotency-key"]);
  });

  it("a Resend 500 stops the job with the provider's error; nothing is swallowed", async () => {
    const t = await newTenant(database.db, { accounts: 3, items: 30 });
    // invoice e-mails only (the run's own "posted" e-mail goes through Resend too)
    resend.answer((req) =>
      String(req.headers["idempotency-key"]).startsWith(`${t.tenantId}:invoice:`)
        ? { status: 500, body: { statusCode: 500, name: "internal_server_error", message: "boom 500" } }
        : { status: 200, body: { id: "msg_run" } },
    );
    const runId = await postedRun(t, { emailInvoices: true });

    const [job] = await emailJobs(runId);
    expect(job.status).toBe("FAILED");
    expect(job.error).toMatch(/^e-mail of invoice \S+ to \S+ failed, job stopped: Resend refused e-mail ".*": internal_server_error: boom 500$/);
    expect(job.log.at(-1)).toMatchObject({ level: "error", message: job.error });
    expect(invoiceRequests(t)).toHaveLength(1); // stopped at the first refusal
    const failed = await queryRows<{ status: string; error: string }>(
      database.db,
      sql`SELECT status::text AS status, error FROM email_outbox WHERE tenant_id = ${t.tenantId} AND idempotency_key LIKE 'invoice:%'`,
    );
    expect(failed).toEqual([{ status: "FAILED", error: "internal_server_error: boom 500" }]);

    resend.answer(null);
    await t.caller.billingRuns.emailInvoices({ id: runId });
    await settle();
    expect((await emailJobs(runId))[1]).toMatchObject({ status: "SUCCEEDED", done: 3, total: 3 });
    expect(new Set(invoiceRequests(t).map((r) => r.headers["idempotency-key"])).size).toBe(3);
  });
});

describe("e-mail of posted invoices without RESEND_API_KEY", () => {
  it("puts them in the outbox with the PDF reference; zero-amount invoices go too when the run does not skip them", async () => {
    resend.useOutbox();
    const t = await newTenant(database.db, { seed: false });
    await addCustomer(database.db, t, { name: "Paying GmbH", email: "pay@example.com", items: [{ charge: "PLAN-PRO", amount: "100.00" }] });
    await addCustomer(database.db, t, {
      name: "Zero AG",
      email: "zero@example.com",
      items: [
        { charge: "PLAN-PRO", amount: "100.00" },
        { charge: "TRAINING", amount: "-119.00" },
      ],
    });
    const runId = await postedRun(t, { emailInvoices: true });
    const [job] = await emailJobs(runId);
    expect(job).toMatchObject({ status: "SUCCEEDED", done: 2, total: 2 });
    expect(messages(job)).toMatch(/2 put in the outbox \(no RESEND_API_KEY\)/);
    const rows = await queryRows<{ to: string[]; status: string; subject: string; html: string; attachments: { documentId?: string }[] }>(
      database.db,
      sql`SELECT "to", status::text AS status, subject, html, attachments FROM email_outbox
          WHERE tenant_id = ${t.tenantId} AND idempotency_key LIKE 'invoice:%' ORDER BY "to"[1]`,
    );
    expect(rows.map((r) => [r.to, r.status])).toEqual([
      [["pay@example.com"], "OUTBOX"],
      [["zero@example.com"], "OUTBOX"],
    ]);
    expect(rows[0].subject).toMatch(/^Invoice /);
    expect(rows[0].html).toContain("€119.00"); // amount due
    expect(rows[1].subject).toMatch(/^Credit note /);
    for (const r of rows) expect(r.attachments[0].documentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(invoiceRequests(t)).toHaveLength(0);

    // a run that is not posted offers no e-mail action
    const { id: fresh } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    await expect(t.caller.billingRuns.emailInvoices({ id: fresh })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/invoices can be e-mailed once the run is posted/),
    });
  });
});

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function sha(bytes: Buffer) {
  return createHash("sha256").update(bytes).digest("hex");
}
