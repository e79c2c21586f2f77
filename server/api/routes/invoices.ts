import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { invoiceIdInput } from "@/server/billing/inputs";
import { getInvoice } from "@/server/billing/invoices";
import { documentFileName, loadInvoiceDocument } from "@/server/documents/invoice-document";
import { notFound } from "@/server/errors";
import { apiEndpoint } from "../endpoint";

// /api/v1/invoices/{id}[/pdf|/xml]

const idOf = (params: Record<string, string>) => invoiceIdInput.parse({ id: params.id }).id;

export const getInvoiceById = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => ({ status: 200, body: await getInvoice(db, tenantId, idOf(params)) }),
});

const contentTypes = { PDF: "application/pdf", XML: "application/xml" } as const;

/**
 * A posted invoice's stored document (never regenerated, so it never changes); drafts are rendered on request
 * (the PDF carries the DRAFT watermark).
 */
const download = (kind: "PDF" | "XML") =>
  apiEndpoint({
    permission: "read",
    handle: async ({ db, tenantId, params }) => {
      const id = idOf(params);
      const [stored] = await queryRows<{ fileName: string; content: Buffer | Uint8Array; contentType: string }>(
        db,
        sql`SELECT file_name AS "fileName", content, content_type AS "contentType" FROM documents
            WHERE tenant_id = ${tenantId} AND invoice_id = ${id}::uuid AND kind = ${kind}::document_kind`,
      );
      let bytes: Uint8Array;
      let fileName: string;
      if (stored) {
        bytes = new Uint8Array(stored.content);
        fileName = stored.fileName;
      } else {
        const doc = await loadInvoiceDocument(db, tenantId, id);
        if (!doc) throw notFound("Invoice");
        fileName = documentFileName(doc, kind === "PDF" ? "pdf" : "xml");
        if (kind === "PDF") {
          const { renderInvoicePdf } = await import("@/server/documents/pdf/render-invoice-pdf");
          bytes = new Uint8Array(await renderInvoicePdf(doc));
        } else {
          const { buildUblXml } = await import("@/server/documents/ubl/build-ubl");
          bytes = new TextEncoder().encode(buildUblXml(doc));
        }
      }
      return new Response(bytes as unknown as BodyInit, {
        status: 200,
        headers: {
          "Content-Type": contentTypes[kind],
          "Content-Disposition": `attachment; filename="${fileName}"`,
          "Cache-Control": "private, no-store",
        },
      });
    },
  });

export const getInvoicePdf = download("PDF");
export const getInvoiceXml = download("XML");
