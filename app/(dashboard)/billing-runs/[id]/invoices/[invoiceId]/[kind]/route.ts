import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { queryRows } from "@/db/client";
import { getAuth } from "@/server/auth";
import { roleAllows } from "@/server/auth/roles";
import { resolveMembership } from "@/server/auth/viewer";
import { documentFileName, loadInvoiceDocument } from "@/server/documents/invoice-document";

// The invoice page's PDF preview and XML download, for a signed-in user (the REST API's twin needs an API key).
// TODO(documents): share one "invoice file" service with server/api/routes/invoices.ts instead of repeating its lookup.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const kinds = { pdf: { kind: "PDF", type: "application/pdf" }, xml: { kind: "XML", type: "application/xml" } } as const;

export async function GET(request: Request, { params }: { params: Promise<{ invoiceId: string; kind: string }> }) {
  const { invoiceId, kind: rawKind } = await params;
  const format = kinds[rawKind as keyof typeof kinds];
  if (!format || !UUID.test(invoiceId)) return new Response("Not found", { status: 404 });

  const session = await (await getAuth()).api.getSession({ headers: request.headers });
  if (!session) return new Response("Sign in to continue", { status: 401 });
  const db = await getDb();
  const membership = await resolveMembership(db, session.user.id, session.session.activeOrganizationId);
  if (!membership || !roleAllows(membership.role, "read")) return new Response("Not found", { status: 404 });
  const tenantId = membership.tenantId;

  // Posted invoices: the stored document (never regenerated). Drafts: rendered now, watermarked.
  const [stored] = await queryRows<{ fileName: string; content: Buffer | Uint8Array }>(
    db,
    sql`SELECT file_name AS "fileName", content FROM documents
        WHERE tenant_id = ${tenantId} AND invoice_id = ${invoiceId}::uuid AND kind = ${format.kind}::document_kind`,
  );
  let bytes: Uint8Array;
  let fileName: string;
  if (stored) {
    bytes = new Uint8Array(stored.content);
    fileName = stored.fileName;
  } else {
    const doc = await loadInvoiceDocument(db, tenantId, invoiceId);
    if (!doc) return new Response("Not found", { status: 404 });
    fileName = documentFileName(doc, rawKind === "pdf" ? "pdf" : "xml");
    if (format.kind === "PDF") {
      const { renderInvoicePdf } = await import("@/server/documents/pdf/render-invoice-pdf");
      bytes = new Uint8Array(await renderInvoicePdf(doc));
    } else {
      const { buildUblXml } = await import("@/server/documents/ubl/build-ubl");
      bytes = new TextEncoder().encode(buildUblXml(doc));
    }
  }
  const disposition = new URL(request.url).searchParams.has("download") ? "attachment" : "inline";
  return new Response(bytes as unknown as BodyInit, {
    headers: {
      "Content-Type": format.type,
      "Content-Disposition": `${disposition}; filename="${fileName.replace(/"/g, "")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
