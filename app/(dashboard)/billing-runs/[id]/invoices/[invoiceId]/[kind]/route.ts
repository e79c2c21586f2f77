import { getDb } from "@/db";
import { getAuth } from "@/server/auth";
import { roleAllows } from "@/server/auth/roles";
import { resolveMembership } from "@/server/auth/viewer";
import { loadInvoiceFile } from "@/server/documents/invoice-file";
import { DomainError, httpStatusOf } from "@/server/errors";

// The invoice page's PDF preview and XML download, for a signed-in user (the REST API's twin needs an API key);
// both serve loadInvoiceFile.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const kinds = { pdf: "PDF", xml: "XML" } as const;

export async function GET(request: Request, { params }: { params: Promise<{ invoiceId: string; kind: string }> }) {
  const { invoiceId, kind: rawKind } = await params;
  const kind = kinds[rawKind as keyof typeof kinds];
  if (!kind || !UUID.test(invoiceId)) return new Response("Not found", { status: 404 });

  const session = await (await getAuth()).api.getSession({ headers: request.headers });
  if (!session) return new Response("Sign in to continue", { status: 401 });
  const db = await getDb();
  const membership = await resolveMembership(db, session.user.id, session.session.activeOrganizationId);
  if (!membership || !roleAllows(membership.role, "read")) return new Response("Not found", { status: 404 });

  let file;
  try {
    file = await loadInvoiceFile(db, membership.tenantId, invoiceId, kind);
  } catch (error) {
    // e.g. no EN 16931 XML for a currency with 3 decimals: say why, as text the browser shows
    if (error instanceof DomainError) return new Response(error.message, { status: httpStatusOf[error.code], headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
  if (!file) return new Response("Not found", { status: 404 });
  const disposition = new URL(request.url).searchParams.has("download") ? "attachment" : "inline";
  return new Response(file.bytes, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `${disposition}; filename="${file.fileName.replace(/"/g, "")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
