import { sql } from "drizzle-orm";
import { createElement } from "react";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { errorMessage } from "@/server/jobs/lifecycle";
import type { DocumentJobRef, DocumentJobWork, JobLogLine } from "@/server/documents/document-jobs";
import { plural } from "@/lib/format";
import { loadInvoiceDocuments } from "@/server/documents/invoice-document";
import { createDocumentRenderer, loadStoredDocuments, storeInvoiceDocuments, type DocumentRenderer } from "@/server/documents/stored-documents";
import { invoiceEmailKey } from "./invoice-email-key";
import { EmailSendError, InvalidEmailError, isEmailAddress, sendEmail } from "./send-email";
import { InvoiceEmail, invoiceEmailSubject } from "./templates/invoice-email";

// The EMAIL job's work (server/documents/document-jobs.ts runs it). E-mail of a run's POSTED invoices to the customers, each with its stored PDF attached (stored first when missing,
// exactly as Generate PDF stores it). Runs as an EMAIL document job (server/documents/document-jobs.ts): started when a
// run with the option "e-mail invoices" is posted, or by the E-mail invoices action (which sends only what is missing).
// One e-mail per invoice, ever: idempotency key invoice:<id>:email (email_outbox + Resend's Idempotency-Key).
// Skipped, and counted in the job's log: buyers without an e-mail address; zero-amount invoices when the run skips them.
//
// Errors. A refusal that concerns one message (invalid address, Resend 400/409/422) is logged for that invoice and the
// job goes on; the job then ends FAILED ("n of m could not be sent") and "Re-send missing e-mails" retries exactly
// those. Any other provider error (5xx, 429, 401/403, network) would fail every e-mail alike: the job stops at once,
// FAILED with that error (Inngest retries the chunk first); what was sent before stays sent.

const HAS_EMAIL = sql`coalesce(btrim(i.buyer->>'email'), '') <> ''`;
/** "Zero amount" here means nothing to pay or to credit (gross total 0), skipped when the run's option says so. */
const SKIPPED_ZERO = sql`(i.gross_total = 0 AND (SELECT b.skip_zero_amount FROM billing_runs b WHERE b.id = i.billing_run_id))`;
const ALREADY_SENT = sql`EXISTS (SELECT 1 FROM email_outbox o WHERE o.tenant_id = i.tenant_id
  AND o.idempotency_key = 'invoice:' || i.id::text || ':email' AND o.status IN ('SENT', 'OUTBOX'))`;

type Counts = { posted: number; no_email: number; zero: number; eligible: number; sent: number; outbox: number };

async function countInvoices(db: Queryable, job: DocumentJobRef): Promise<Counts> {
  const [row] = await queryRows<Counts>(
    db,
    sql`SELECT count(*)::int AS posted,
          count(*) FILTER (WHERE NOT ${HAS_EMAIL})::int AS no_email,
          count(*) FILTER (WHERE ${HAS_EMAIL} AND ${SKIPPED_ZERO})::int AS zero,
          count(*) FILTER (WHERE ${HAS_EMAIL} AND NOT ${SKIPPED_ZERO})::int AS eligible,
          count(*) FILTER (WHERE ${HAS_EMAIL} AND NOT ${SKIPPED_ZERO} AND o.status = 'SENT')::int AS sent,
          count(*) FILTER (WHERE ${HAS_EMAIL} AND NOT ${SKIPPED_ZERO} AND o.status = 'OUTBOX')::int AS outbox
        FROM invoices i
        LEFT JOIN email_outbox o ON o.tenant_id = i.tenant_id AND o.idempotency_key = 'invoice:' || i.id::text || ':email'
        WHERE i.billing_run_id = ${job.runId}::uuid AND i.tenant_id = ${job.tenantId} AND i.status = 'POSTED'`,
  );
  return row;
}

function skippedNotes(c: Counts): JobLogLine[] {
  const notes: JobLogLine[] = [];
  if (c.no_email) notes.push({ level: "warn", message: `${plural(c.no_email, "posted invoice")} skipped: the buyer has no e-mail address` });
  if (c.zero) notes.push({ level: "info", message: `${plural(c.zero, "zero-amount invoice")} skipped (run option: skip zero-amount invoices)` });
  return notes;
}

/** A refusal of this one message (go on with the others), as opposed to a provider-wide failure (stop the job). */
function concernsThisEmailOnly(error: unknown): boolean {
  if (error instanceof InvalidEmailError) return true;
  if (!(error instanceof EmailSendError)) return false;
  const status = (error.providerError as { statusCode?: unknown } | undefined)?.statusCode;
  return status === 400 || status === 409 || status === 422;
}

async function sendInvoiceEmails(db: Db, job: DocumentJobRef, ids: string[], pdfRenderer: () => Promise<DocumentRenderer>): Promise<JobLogLine[]> {
  const docs = await loadInvoiceDocuments(db, job.tenantId, ids);
  let pdfs = await loadStoredDocuments(db, job.tenantId, "PDF", ids);
  const withoutPdf = docs.filter((d) => !pdfs.some((p) => p.invoiceId === d.id));
  let stored = 0;
  if (withoutPdf.length) {
    stored = await storeInvoiceDocuments(db, job.tenantId, "PDF", withoutPdf, await pdfRenderer());
    pdfs = await loadStoredDocuments(db, job.tenantId, "PDF", ids);
  }
  const pdfOf = new Map(pdfs.map((p) => [p.invoiceId, p]));

  const done = { SENT: 0, OUTBOX: 0, ALREADY_DONE: 0 };
  const failures: JobLogLine[] = [];
  for (const doc of docs) {
    const pdf = pdfOf.get(doc.id);
    const to = (doc.buyer.email ?? "").trim();
    const label = `${doc.type === "CREDIT_NOTE" ? "credit note" : "invoice"} ${doc.number}`;
    if (!pdf) throw new Error(`the PDF of ${label} could not be stored`);
    try {
      const result = await sendEmail(db, job.tenantId, {
        idempotencyKey: invoiceEmailKey(doc.id),
        to: [to],
        subject: invoiceEmailSubject(doc),
        react: createElement(InvoiceEmail, { doc }),
        attachments: [{ fileName: pdf.fileName, content: pdf.content, contentType: pdf.contentType, documentId: pdf.id }],
        ...(doc.seller.email && isEmailAddress(doc.seller.email) ? { replyTo: doc.seller.email } : {}),
        billingRunId: job.runId,
      });
      done[result.outcome] += 1;
    } catch (error) {
      if (!concernsThisEmailOnly(error)) throw new Error(`e-mail of ${label} to ${to} failed, job stopped: ${errorMessage(error)}`, { cause: error });
      failures.push({ level: "error", message: `${label} to ${to}: ${errorMessage(error)}` });
    }
  }
  const parts = [
    `${done.SENT} sent`,
    ...(done.OUTBOX ? [`${done.OUTBOX} put in the outbox (no RESEND_API_KEY)`] : []),
    ...(done.ALREADY_DONE ? [`${done.ALREADY_DONE} already sent`] : []),
    ...(failures.length ? [`${failures.length} failed`] : []),
    ...(stored ? [`${stored} PDF stored`] : []),
  ];
  return [{ level: failures.length ? "warn" : "info", message: parts.join(", ") }, ...failures];
}

export const invoiceEmailWork: DocumentJobWork = {
  pending: () => sql`${HAS_EMAIL} AND NOT ${SKIPPED_ZERO} AND NOT ${ALREADY_SENT}`,

  async planNotes(db, job, total) {
    const c = await countInvoices(db, job);
    const already = c.sent + c.outbox;
    return [
      {
        level: "info",
        message: total
          ? `${plural(total, "invoice e-mail")} to send (${plural(c.posted, "posted invoice")})`
          : `nothing to send: every posted invoice with a buyer e-mail address has been e-mailed`,
      },
      ...(already ? [{ level: "info" as const, message: `${already} already e-mailed earlier: not sent again` }] : []),
      ...skippedNotes(c),
    ];
  },

  async open(db, job) {
    let renderer: DocumentRenderer | null = null;
    return {
      process: (ids) => sendInvoiceEmails(db, job, ids, async () => (renderer ??= await createDocumentRenderer("PDF"))),
      close: async () => {
        await renderer?.close();
      },
    };
  },

  async summary(db, job, remaining) {
    const c = await countInvoices(db, job);
    const skipped = [...(c.no_email ? [`${c.no_email} without buyer e-mail`] : []), ...(c.zero ? [`${c.zero} zero-amount`] : [])];
    const message =
      `done: ${c.sent + c.outbox}/${plural(c.eligible, "invoice e-mail")} sent` +
      (c.outbox ? ` (${c.outbox} in the outbox: no RESEND_API_KEY)` : "") +
      (skipped.length ? `; skipped: ${skipped.join(", ")}` : "");
    if (!remaining) return { message };
    return {
      message,
      failure: `${remaining} of ${plural(c.eligible, "invoice e-mail")} could not be sent (see the log); "Re-send missing e-mails" retries them`,
    };
  },
};

