import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { formatRunNumber } from "@/server/billing/run-list";
import { actorLabel, loadRun, type Actor, type RunRow } from "@/server/billing/runs-core";
import { availableActions } from "@/server/billing/state-machine";
import { runningDocumentJob, startDocumentJob } from "@/server/documents/document-jobs";
import { conflict } from "@/server/errors";

// Starting the EMAIL job of a posted run (the work itself is invoice-email-work.ts): the run action, and the start on
// post for runs created with "e-mail invoices" (the outbox's invoice-email consumer calls it).

// (not from invoice-email-work: that module loads the Resend SDK and the e-mail templates, only when a job sends)
export { invoiceEmailKey } from "./invoice-email-key";

/** E-mail invoices (the run action): sends every e-mail of the posted run not sent yet, as a background job. */
export async function startInvoiceEmails(db: Db, tenantId: string, actor: Actor, input: { id: string }) {
  const run = await loadRun(db, tenantId, input.id);
  const label = formatRunNumber(run.number);
  if (!availableActions(run).includes("EMAIL_INVOICES")) {
    throw conflict(`${label} is ${run.status.toLowerCase().replace("_", " ")}: invoices can be e-mailed once the run is posted`);
  }
  const job = await startDocumentJob(db, { tenantId, runId: run.id, kind: "EMAIL", message: `e-mail invoices started by ${actorLabel(actor)}` });
  if (!job) {
    const running = await runningDocumentJob(db, run.id, "EMAIL");
    throw conflict(`${label} is already e-mailing its invoices${running ? ` (${running.done}/${running.total})` : ""}`);
  }
  return { started: true as const, jobId: job.jobId, message: `${label}: e-mailing invoices to customers` };
}

/**
 * On post: a run with the option "e-mail invoices" starts its EMAIL job, once (the outbox's invoice-email consumer
 * calls it). A replayed POSTED milestone starts nothing when the run already had an EMAIL job (the operator re-sends
 * with the action); a RUNNING one left by a dead process is taken over.
 */
export async function startInvoiceEmailsOnPost(db: Db, run: RunRow) {
  if (run.status !== "POSTED") return null;
  const [earlier] = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM job_executions WHERE billing_run_id = ${run.id}::uuid AND kind = 'EMAIL' AND status <> 'RUNNING' LIMIT 1`,
  );
  if (earlier) return null;
  return startDocumentJob(db, { tenantId: run.tenantId, runId: run.id, kind: "EMAIL", message: "e-mail invoices started on post (run option)" });
}
