import { z } from "zod";
import type { Db } from "@/db/client";
import { formatRunNumber } from "@/server/billing/run-list";
import { actorLabel, loadRun, type Actor } from "@/server/billing/runs-core";
import { availableActions } from "@/server/billing/state-machine";
import { conflict, DomainError } from "@/server/errors";
import { runningDocumentJob, startDocumentJob } from "./document-jobs";
import { runtime } from "@/server/runtime";

// "Generate PDF" / "Generate XML" for a whole run: a background document job (document-jobs.ts) that stores the
// document of every POSTED invoice still without one. Drafts are never stored: they are rendered on demand.

export const runDocumentsInput = z.object({ id: z.uuid("must be a UUID"), kind: z.enum(["PDF", "XML"], "must be PDF or XML") });
export type StartRunDocumentsInput = z.infer<typeof runDocumentsInput>;
/** The ZIP's query: ?kind=PDF or XML restricts it to one kind. */
export const runZipQuery = z.object({ kind: z.enum(["PDF", "XML"], "must be PDF or XML").optional() });

/** Tests and scripts: resolves when every document job (PDF, XML, e-mail) started in this process has ended. */
export const waitForRunDocuments = () => runtime().jobs.idle();

/**
 * Starts "Generate PDF" / "Generate XML" for a run: refused unless the run offers the action; one running job per
 * (run, kind) — a second start while one runs is a CONFLICT. A RUNNING job without heartbeat is taken over.
 */
export async function startRunDocuments(db: Db, tenantId: string, actor: Actor, input: StartRunDocumentsInput) {
  const { id, kind } = input;
  if (kind !== "PDF" && kind !== "XML") throw new DomainError("BAD_REQUEST", `unknown document kind ${String(kind)}`);
  const run = await loadRun(db, tenantId, id);
  const label = formatRunNumber(run.number);
  if (!availableActions(run).includes(kind === "PDF" ? "GENERATE_PDF" : "GENERATE_XML")) {
    throw conflict(`${label} is ${run.status.toLowerCase().replace("_", " ")}: ${kind} documents can be generated once its drafts are ready or it is posted`);
  }
  const job = await startDocumentJob(db, { tenantId, runId: id, kind, message: `generate ${kind} started by ${actorLabel(actor)}` });
  if (!job) {
    const running = await runningDocumentJob(db, id, kind);
    throw conflict(`${label} is already generating ${kind} documents${running ? ` (${running.done}/${running.total})` : ""}`);
  }
  return { started: true as const, jobId: job.jobId, kind, message: `${label}: generating ${kind} documents` };
}
