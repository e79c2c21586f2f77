import { getDb } from "@/db";
import { getAuth } from "@/server/auth";
import { roleAllows } from "@/server/auth/roles";
import { resolveMembership } from "@/server/auth/viewer";
import { problemResponse } from "@/server/api/problem";
import { simulationCsv, simulationCsvFileName } from "@/server/billing/simulation-csv";
import { simulateNewRun, simulateRun } from "@/server/billing/simulation";
import { simulationTarget } from "../simulation-params";

// The simulation report's CSV (every account) for a signed-in user: ?run=<NEW run> or ?input=<new-run form as JSON>.

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const url = new URL(request.url);
  const target = simulationTarget({ run: url.searchParams.get("run"), input: url.searchParams.get("input") });
  if (!target) return new Response("run (a run id) or input (the new-run form as JSON) is missing or invalid", { status: 400 });
  const session = await (await getAuth()).api.getSession({ headers: request.headers });
  if (!session) return new Response("Sign in to continue", { status: 401 });
  const db = await getDb();
  const membership = await resolveMembership(db, session.user.id, session.session.activeOrganizationId);
  if (!membership || !roleAllows(membership.role, "read")) return new Response("Not found", { status: 404 });
  try {
    const simulation =
      "run" in target
        ? await simulateRun(db, membership.tenantId, target.run, { allAccounts: true })
        : await simulateNewRun(db, membership.tenantId, target.input, { allAccounts: true });
    const name = simulationCsvFileName("run" in target ? target.run : target.input.cutoffDate);
    return new Response(simulationCsv(simulation.accounts.rows), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "private, no-store" },
    });
  } catch (error) {
    return problemResponse(error, url.pathname);
  }
}
