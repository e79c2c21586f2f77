import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { documentFileName, loadInvoiceDocument } from "./invoice-document";
import { documentFormats, type StoredDocumentKind } from "./stored-documents";
import { DomainError } from "@/server/errors";
import { assertEn16931Currency } from "./ubl/en16931-currency";

export type InvoiceFile = { fileName: string; contentType: string; bytes: Uint8Array<ArrayBuffer> };

/**
 * One invoice's PDF or XML, for the dashboard's file route and the REST download: a posted invoice's stored document
 * (never regenerated, so it never changes), a draft's PDF rendered now (with the DRAFT watermark). Null when the
 * invoice is not the tenant's. XML is refused (PRECONDITION_FAILED, with why) for drafts and for a currency EN 16931
 * cannot express; it is in the flavour the account chose (Peppol BIS UBL, XRechnung UBL or CII for Factur-X).
 */
export async function loadInvoiceFile(db: Queryable, tenantId: string, invoiceId: string, kind: StoredDocumentKind): Promise<InvoiceFile | null> {
  const [row] = await queryRows<{ currency: string; type: string; number: string | null; fileName: string | null; content: Buffer | Uint8Array | null }>(
    db,
    sql`SELECT i.currency::text AS currency, i.type::text AS type, i.number, d.file_name AS "fileName", d.content
        FROM invoices i
        LEFT JOIN documents d ON d.invoice_id = i.id AND d.tenant_id = i.tenant_id AND d.kind = ${kind}::document_kind
        WHERE i.tenant_id = ${tenantId} AND i.id = ${invoiceId}::uuid`,
  );
  if (!row) return null;
  const { ext, contentType } = documentFormats[kind];
  if (kind === "XML") {
    // a draft's XML would be taken for a real e-invoice by a receiving system
    if (!row.number) throw new DomainError("PRECONDITION_FAILED", "No e-invoice XML for an invoice that is not posted: only posted documents have one (its PDF preview is available)");
    assertEn16931Currency(row.currency, `${row.type === "CREDIT_NOTE" ? "credit note" : "invoice"} ${row.number}`);
  }
  if (row.content && row.fileName) return { fileName: row.fileName, contentType, bytes: new Uint8Array(row.content) };
  const doc = await loadInvoiceDocument(db, tenantId, invoiceId);
  if (!doc) return null;
  const fileName = documentFileName(doc, ext);
  if (kind === "PDF") {
    const { renderInvoicePdf } = await import("./pdf/render-invoice-pdf");
    const { finishInvoicePdf } = await import("./facturx/facturx-pdf");
    return { fileName, contentType, bytes: new Uint8Array(await finishInvoicePdf(doc, await renderInvoicePdf(doc))) };
  }
  const { buildEinvoiceXml } = await import("./einvoice/einvoice-xml");
  return { fileName, contentType, bytes: new TextEncoder().encode(buildEinvoiceXml(doc)) };
}
