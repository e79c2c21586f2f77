import { sql } from "drizzle-orm";
import { createElement } from "react";
import { queryRows, type Db } from "@/db/client";
import { loadInvoiceDocument, type InvoiceDocument } from "@/server/documents/invoice-document";
import { createDocumentRenderer, loadStoredDocuments, storeInvoiceDocuments, type DocumentRenderer } from "@/server/documents/stored-documents";
import { DomainError } from "@/server/errors";
import { invoiceEmailKey } from "./invoice-email-key";
import { isEmailAddress, sendEmail } from "./send-email";
import { InvoiceEmail, invoiceEmailSubject } from "./templates/invoice-email";

// A correction credit note (issued from a posted invoice) belongs to no run, so no run's Generate PDF / XML or E-mail
// job reaches it. When it is posted, the outbox's correction-documents consumer (server/outbox/consumers.ts) calls
// this: its PDF and its e-invoice XML (the account's flavour) are stored like a run's documents — so they never change
// afterwards and the dashboard and REST downloads serve them — and it is e-mailed to the buyer, with its PDF, when the
// invoice it corrects was e-mailed (its run's "e-mail invoices" option or the E-mail invoices action). One e-mail per
// credit note, ever (idempotency key invoice:<id>:email, as for invoices).

export type CorrectionDocumentsResult = { stored: number; email: "SENT" | "OUTBOX" | "ALREADY_DONE" | "NOT_WANTED" | "NO_ADDRESS"; xmlSkipped?: string };

/** The PDF rendered in this process (one document: no worker pool), finished as Factur-X when the account chose it. */
async function inlinePdfRenderer(): Promise<DocumentRenderer> {
  const { renderInvoicePdf } = await import("@/server/documents/pdf/render-invoice-pdf");
  const { finishInvoicePdf } = await import("@/server/documents/facturx/facturx-pdf");
  return { render: async (doc) => Buffer.from(await finishInvoicePdf(doc, await renderInvoicePdf(doc))), close: async () => {} };
}

async function storeDocuments(db: Db, tenantId: string, doc: InvoiceDocument): Promise<{ stored: number; xmlSkipped?: string }> {
  let stored = await storeInvoiceDocuments(db, tenantId, "PDF", [doc], await inlinePdfRenderer());
  try {
    stored += await storeInvoiceDocuments(db, tenantId, "XML", [doc], await createDocumentRenderer("XML"));
    return { stored };
  } catch (error) {
    // e.g. a currency EN 16931 cannot express: the PDF is the document, and the XML download says why
    if (error instanceof DomainError) return { stored, xmlSkipped: error.message };
    throw error;
  }
}

/** Stores the posted correction credit note's documents and e-mails it when its invoice was e-mailed. */
export async function deliverCorrectionDocuments(db: Db, tenantId: string, creditNoteId: string): Promise<CorrectionDocumentsResult | null> {
  const doc = await loadInvoiceDocument(db, tenantId, creditNoteId);
  if (!doc || doc.status !== "POSTED" || !doc.precedingInvoice) return null;
  const { stored, xmlSkipped } = await storeDocuments(db, tenantId, doc);
  const result = (email: CorrectionDocumentsResult["email"]): CorrectionDocumentsResult => ({ stored, email, ...(xmlSkipped ? { xmlSkipped } : {}) });

  const [wanted] = await queryRows<{ wanted: boolean }>(
    db,
    sql`SELECT coalesce(r.email_invoices, false) OR EXISTS (
            SELECT 1 FROM email_outbox e WHERE e.tenant_id = o.tenant_id AND e.idempotency_key = 'invoice:' || o.id::text || ':email'
              AND e.status IN ('SENT', 'OUTBOX')) AS wanted
        FROM invoices n
        JOIN invoices o ON o.id = n.corrects_invoice_id AND o.tenant_id = n.tenant_id
        LEFT JOIN billing_runs r ON r.id = o.billing_run_id AND r.tenant_id = o.tenant_id
        WHERE n.id = ${creditNoteId}::uuid AND n.tenant_id = ${tenantId}`,
  );
  if (!wanted?.wanted) return result("NOT_WANTED");
  const to = (doc.buyer.email ?? "").trim();
  if (!to) return result("NO_ADDRESS");
  const [pdf] = await loadStoredDocuments(db, tenantId, "PDF", [doc.id]);
  const sent = await sendEmail(db, tenantId, {
    idempotencyKey: invoiceEmailKey(doc.id),
    to: [to],
    subject: invoiceEmailSubject(doc),
    react: createElement(InvoiceEmail, { doc }),
    attachments: [{ fileName: pdf.fileName, content: pdf.content, contentType: pdf.contentType, documentId: pdf.id }],
    ...(doc.seller.email && isEmailAddress(doc.seller.email) ? { replyTo: doc.seller.email } : {}),
  });
  return result(sent.outcome);
}
