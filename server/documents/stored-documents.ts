import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { documents } from "@/db/schema/documents";
import { documentFileName, type InvoiceDocument } from "./invoice-document";

// Stored documents of posted invoices (the documents table): written once, never changed. Used by the Generate
// PDF / XML jobs and by the invoice e-mails (which attach the stored PDF, storing it first when missing).

export type StoredDocumentKind = "PDF" | "XML";
export type DocumentRenderer = { render(doc: InvoiceDocument): Promise<Buffer>; close(): Promise<void> };

export const documentFormats = {
  PDF: { ext: "pdf", contentType: "application/pdf" },
  XML: { ext: "xml", contentType: "application/xml" },
} as const;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** PDF: the worker pool (parallel renders); XML: in-process, yielding to the event loop between documents. */
export async function createDocumentRenderer(kind: StoredDocumentKind): Promise<DocumentRenderer> {
  if (kind === "PDF") {
    const { createPdfPool } = await import("./pdf/pdf-pool");
    const { finishInvoicePdf } = await import("./facturx/facturx-pdf");
    const pool = await createPdfPool();
    return { render: async (doc) => finishInvoicePdf(doc, await pool.render(doc)), close: () => pool.close() };
  }
  const { buildEinvoiceXml } = await import("./einvoice/einvoice-xml");
  return {
    async render(doc) {
      await yieldToEventLoop();
      return Buffer.from(buildEinvoiceXml(doc), "utf8");
    },
    close: async () => {},
  };
}

/** Renders and stores the documents of posted invoices; one that is already stored is kept. Returns how many were stored. */
export async function storeInvoiceDocuments(
  db: Queryable,
  tenantId: string,
  kind: StoredDocumentKind,
  docs: InvoiceDocument[],
  renderer: DocumentRenderer,
): Promise<number> {
  if (!docs.length) return 0;
  const { ext, contentType } = documentFormats[kind];
  const files = await Promise.all(docs.map(async (doc) => ({ doc, content: await renderer.render(doc) })));
  const inserted = await db
    .insert(documents)
    .values(
      files.map(({ doc, content }) => ({
        tenantId,
        invoiceId: doc.id,
        kind,
        fileName: documentFileName(doc, ext),
        contentType,
        content,
        sizeBytes: content.byteLength,
        sha256: createHash("sha256").update(content).digest("hex"),
      })),
    )
    .onConflictDoNothing()
    .returning({ id: documents.id });
  return inserted.length;
}

export type StoredDocument = { id: string; invoiceId: string; fileName: string; contentType: string; content: Buffer };

/** The stored documents of a kind for these invoices of the tenant. */
export async function loadStoredDocuments(db: Queryable, tenantId: string, kind: StoredDocumentKind, invoiceIds: string[]): Promise<StoredDocument[]> {
  if (!invoiceIds.length) return [];
  const rows = await queryRows<{ id: string; invoiceId: string; fileName: string; contentType: string; content: Buffer | Uint8Array }>(
    db,
    sql`SELECT id, invoice_id AS "invoiceId", file_name AS "fileName", content_type AS "contentType", content FROM documents
        WHERE tenant_id = ${tenantId} AND kind = ${kind}::document_kind
          AND invoice_id = ANY(${`{${invoiceIds.join(",")}}`}::uuid[])`,
  );
  return rows.map((r) => ({ ...r, content: Buffer.from(r.content) }));
}
