import { getDb } from "@/db";
import { getAuth } from "@/server/auth";
import { roleAllows } from "@/server/auth/roles";
import { resolveMembership } from "@/server/auth/viewer";
import { problemResponse } from "@/server/api/problem";
import { streamRunDocumentsZip } from "@/server/documents/run-documents-zip";

// The run's stored documents as one streamed ZIP, for a signed-in user of the run's tenant.
// ?kind=PDF or ?kind=XML restricts the archive to one kind. No documents yet: a 412 problem saying what to generate.

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) return new Response("Not found", { status: 404 });
  const rawKind = new URL(request.url).searchParams.get("kind")?.toUpperCase();
  if (rawKind && rawKind !== "PDF" && rawKind !== "XML") return new Response("kind must be PDF or XML", { status: 400 });

  const session = await (await getAuth()).api.getSession({ headers: request.headers });
  if (!session) return new Response("Sign in to continue", { status: 401 });
  const db = await getDb();
  const membership = await resolveMembership(db, session.user.id, session.session.activeOrganizationId);
  if (!membership || !roleAllows(membership.role, "read")) return new Response("Not found", { status: 404 });

  let zip: Awaited<ReturnType<typeof streamRunDocumentsZip>>;
  try {
    zip = await streamRunDocumentsZip(db, membership.tenantId, id, rawKind as "PDF" | "XML" | undefined);
  } catch (error) {
    return problemResponse(error, new URL(request.url).pathname);
  }
  if (!zip) return new Response("Not found", { status: 404 });
  return new Response(zip.stream, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${zip.fileName.replace(/"/g, "")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
