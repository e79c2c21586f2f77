import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db, type Queryable, type Tx } from "@/db/client";
import { recordAudit } from "@/server/audit/audit-log";
import { conflict, DomainError } from "@/server/errors";
import { abandonJob, createJob, isAbandoned, runningJob, workParams } from "@/server/jobs/lifecycle";
import type { JobRef } from "@/server/jobs/job-ref";
import { runtime } from "@/server/runtime";
import { approvalReason, enterApproval } from "./approval-policy";
import { formatRunNumber } from "./run-list";
import { actorLabel, loadRun, type Actor, type RunRow } from "./runs-core";
import { CANCELABLE, nextStep, RUNNING_STATUSES, STEP_STATUS, stepOfRunningStatus, type RunStatus, type StepKind } from "./state-machine";

// The run's transitions that start work: Process (next step, retry of a failed step, takeover of an abandoned job),
// Post and Cancel. Each is one conditional UPDATE of the run that creates the step's job row in the same transaction;
// the job is handed to the runner after the commit (server/jobs/), and step-jobs.ts does the work.

type StartOptions = {
  tenantId: string;
  runId: string;
  step: StepKind;
  from: RunStatus;
  params?: Record<string, unknown>;
  failedStep?: string | null;
  extra?: SQL;
  message: string;
};

/** One conditional UPDATE moves the run into the step's running status; the job row is created with it. */
export async function startStep(tx: Tx, o: StartOptions): Promise<JobRef | null> {
  const conditions: SQL[] = [
    sql`id = ${o.runId}::uuid`,
    sql`tenant_id = ${o.tenantId}`,
    sql`status = ${o.from}::billing_run_status`,
    sql`NOT disabled`,
  ];
  if (o.from === "FAILED") conditions.push(sql`failed_step IS NOT DISTINCT FROM ${o.failedStep ?? null}::text`);
  if (o.extra) conditions.push(o.extra);
  const moved = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE billing_runs SET status = ${STEP_STATUS[o.step].running}::billing_run_status, failed_step = NULL, error_summary = NULL,
          updated_at = now()
        WHERE ${sql.join(conditions, sql` AND `)} RETURNING id`,
  );
  if (!moved.length) return null;
  const job = await createJob(tx, { tenantId: o.tenantId, runId: o.runId, kind: o.step, params: o.params, message: o.message });
  if (!job) throw conflict(`the run already has a running ${o.step.toLowerCase()} job`);
  return job;
}

/** The audit entry of a started step: Process (lines, drafts), Post, Cancel — who moved the run from which status. */
const auditStep = (tx: Tx, tenantId: string, runId: string, actor: Actor, step: StepKind, from: RunStatus, to: RunStatus, data?: Record<string, unknown>) =>
  recordAudit(tx, {
    tenantId,
    actor,
    action: step === "POSTING" ? "run.post" : step === "CANCEL" ? "run.cancel" : "run.process",
    entityType: "run",
    entityId: runId,
    before: { status: from },
    after: { status: to },
    data: { step, ...data },
  });

export const noRejected = (runId: string) =>
  sql`NOT EXISTS (SELECT 1 FROM invoices WHERE billing_run_id = ${runId}::uuid AND status = 'REJECTED')`;
const nothingPosted = (runId: string) =>
  sql`NOT EXISTS (SELECT 1 FROM invoices WHERE billing_run_id = ${runId}::uuid AND status = 'POSTED')`;

export async function countInvoices(db: Queryable, runId: string, status: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM invoices WHERE billing_run_id = ${runId}::uuid AND status = ${status}::invoice_status`,
  );
  return row.n;
}

export type ProcessResult = { started: boolean; jobId?: string; step?: StepKind; status: RunStatus; message: string };

const awaitingApproval = (label: string) =>
  conflict(`${label} is awaiting approval: an approver other than the one who asked to post it approves (or sends it back)`);

/**
 * Process: moves the run to its next step (Post in DRAFTS_READY, retry of the failed step in FAILED, takeover of
 * an abandoned job in a running status). Two concurrent calls start exactly one job; the other gets CONFLICT.
 */
export async function requestProcess(db: Db, tenantId: string, runId: string, actor: Actor): Promise<ProcessResult> {
  const run = await loadRun(db, tenantId, runId);
  const label = formatRunNumber(run.number);
  if (run.status === "POSTED") return { started: false, status: run.status, message: `${label} is already posted; nothing to do` };
  if (run.disabled) throw conflict(`${label} is disabled: enable it before processing`);
  if (run.status === "CANCELED" || run.status === "CANCELING") throw conflict(`${label} is canceled and cannot be processed`);
  if (RUNNING_STATUSES.includes(run.status)) return takeOver(db, run, actor);
  if (run.status === "AWAITING_APPROVAL") throw awaitingApproval(label);

  const step = nextStep(run.status, run.failedStep)!;
  if (step === "POSTING") {
    const rejected = await countInvoices(db, run.id, "REJECTED");
    if (rejected) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `${label} has ${rejected} rejected invoice${rejected > 1 ? "s" : ""}: validate, quarantine or cancel ${rejected > 1 ? "them" : "it"} before posting`,
      );
    }
  }
  // Four eyes: under the tenant's approval policy, Post asks for approval instead of posting.
  const approval = step === "POSTING" && run.status === "DRAFTS_READY" ? await approvalReason(db, tenantId, run.id) : null;
  if (approval) {
    const entered = await db.transaction((tx) => enterApproval(tx, { tenantId, runId, actor, reason: `approval needed: ${approval}`, extra: noRejected(run.id) }));
    if (!entered) return refuseAfterRace(db, tenantId, runId);
    return { started: false, status: "AWAITING_APPROVAL", message: `${label} is awaiting approval (${approval})` };
  }
  const job = await db.transaction(async (tx) => {
    const started = await startStep(tx, {
      tenantId,
      runId,
      step,
      from: run.status,
      failedStep: run.failedStep,
      params: run.status === "FAILED" ? ((await lastJobParams(tx, run.id, step)) ?? {}) : {},
      extra: step === "POSTING" ? noRejected(run.id) : undefined,
      message: `${run.status === "FAILED" ? "retry of the failed step" : "started"} by ${actorLabel(actor)}`,
    });
    if (started) await auditStep(tx, tenantId, runId, actor, step, run.status, STEP_STATUS[step].running);
    return started;
  });
  if (!job) return refuseAfterRace(db, tenantId, runId);
  await runtime().jobs.start(db, job);
  return { started: true, jobId: job.jobId, step, status: STEP_STATUS[step].running, message: `${label}: ${step.toLowerCase()} started` };
}

/**
 * Post: Process for a run whose next step is posting — DRAFTS_READY, a FAILED posting (retry), or a POSTING run whose
 * job was abandoned by a crash (resumed). Anything else is refused with the reason; a POSTED run answers "nothing to do".
 */
export async function postRun(db: Db, tenantId: string, runId: string, actor: Actor): Promise<ProcessResult> {
  const run = await loadRun(db, tenantId, runId);
  if (run.status === "AWAITING_APPROVAL") throw awaitingApproval(formatRunNumber(run.number));
  const postable = run.status === "POSTED" || run.status === "DRAFTS_READY" || run.status === "POSTING" || (run.status === "FAILED" && run.failedStep === "POSTING");
  if (!postable) {
    throw conflict(`The run is ${run.status}: only a run with drafts ready can be posted (use process to get there)`);
  }
  return requestProcess(db, tenantId, runId, actor);
}

async function lastJobParams(db: Queryable, runId: string, kind: StepKind) {
  const [row] = await queryRows<{ params: Record<string, unknown> }>(
    db,
    sql`SELECT params FROM job_executions WHERE billing_run_id = ${runId}::uuid AND kind = ${kind}::job_kind
        ORDER BY started_at DESC LIMIT 1`,
  );
  return row ? workParams(row.params) : null;
}

async function refuseAfterRace(db: Db, tenantId: string, runId: string): Promise<never> {
  const now = await loadRun(db, tenantId, runId);
  const label = formatRunNumber(now.number);
  if (now.disabled) throw conflict(`${label} is disabled: enable it before processing`);
  if (RUNNING_STATUSES.includes(now.status)) throw conflict(`${label} is already processing (${now.status})`);
  if (now.status === "DRAFTS_READY" && (await countInvoices(db, runId, "REJECTED"))) {
    throw new DomainError("PRECONDITION_FAILED", `${label} has rejected invoices: validate, quarantine or cancel them before posting`);
  }
  throw conflict(`${label} changed while you asked (now ${now.status}); reload and try again`);
}

async function takeOver(db: Db, run: RunRow, actor: Actor): Promise<ProcessResult> {
  const label = formatRunNumber(run.number);
  const step = stepOfRunningStatus(run.status)!;
  const job = await runningJob(db, run.id, step);
  if (job && !isAbandoned(db, job)) {
    throw conflict(`${label} is already processing (${run.status.toLowerCase().replace("_", " ")}, ${job.done}/${job.total})`);
  }
  const next = await db.transaction(async (tx) => {
    if (job) {
      const taken = await abandonJob(
        tx,
        job.id,
        "abandoned: no heartbeat (the process running it stopped); taken over by Process",
        `abandoned; taken over by ${actorLabel(actor)}`,
      );
      if (!taken) return null;
    }
    const touched = await queryRows(
      tx,
      sql`UPDATE billing_runs SET updated_at = now() WHERE id = ${run.id}::uuid AND status = ${run.status}::billing_run_status
          AND NOT disabled RETURNING id`,
    );
    if (!touched.length) return null;
    await auditStep(tx, run.tenantId, run.id, actor, step, run.status, run.status, { resumed: true });
    return createJob(tx, {
      tenantId: run.tenantId,
      runId: run.id,
      kind: step,
      params: workParams(job?.params ?? {}),
      message: `resumed by ${actorLabel(actor)} after an abandoned execution`,
    });
  });
  if (!next) throw conflict(`${label} is already processing`);
  await runtime().jobs.start(db, next);
  return { started: true, jobId: next.jobId, step, status: run.status, message: `${label}: ${step.toLowerCase()} resumed` };
}

/** Cancel: refused once any invoice of the run is posted; items are reopened or canceled by the cancel job. */
export async function requestCancel(db: Db, tenantId: string, runId: string, items: "REOPEN" | "CANCEL", actor: Actor) {
  const run = await loadRun(db, tenantId, runId);
  const label = formatRunNumber(run.number);
  if (run.status === "CANCELED" || run.status === "CANCELING") throw conflict(`${label} is already ${run.status.toLowerCase()}`);
  if (run.status === "POSTED") throw new DomainError("PRECONDITION_FAILED", `${label} is posted and cannot be canceled`);
  if (!CANCELABLE.includes(run.status)) throw conflict(`${label} is processing (${run.status}); cancel it when the job is done`);
  if (run.disabled) throw conflict(`${label} is disabled: enable it before canceling`);
  const posted = await countInvoices(db, run.id, "POSTED");
  if (posted) throw new DomainError("PRECONDITION_FAILED", `${label} has ${posted} posted invoice${posted > 1 ? "s" : ""} and cannot be canceled`);
  const job = await db.transaction(async (tx) => {
    const started = await startStep(tx, {
      tenantId,
      runId,
      step: "CANCEL",
      from: run.status,
      failedStep: run.failedStep,
      params: { items },
      extra: nothingPosted(run.id),
      message: `cancel (${items === "REOPEN" ? "reopen" : "cancel"} rated items) by ${actorLabel(actor)}`,
    });
    if (started) await auditStep(tx, tenantId, runId, actor, "CANCEL", run.status, "CANCELING", { items });
    return started;
  });
  if (!job) {
    const now = await loadRun(db, tenantId, runId);
    if (now.status === "CANCELING" || now.status === "CANCELED") throw conflict(`${label} is already being canceled`);
    throw conflict(`${label} changed while you asked (now ${now.status}); reload and try again`);
  }
  await runtime().jobs.start(db, job);
  return { started: true, jobId: job.jobId, status: "CANCELING" as const };
}
