import { sql } from "drizzle-orm";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { approveRunInput, sendBackInput, type ApproveRunInput } from "@/lib/review-inputs";
import { conflict, forbidden } from "@/server/errors";
import { runtime } from "@/server/runtime";
import { recordDecision } from "./approval-policy";
import { formatRunNumber } from "./run-list";
import { noRejected, startStep } from "./run-transitions";
import { iso, loadRun, withDates, type Actor } from "./runs-core";

// Decisions on a run waiting for approval: approve (now, or "post at T unless held"), send back with a comment,
// hold a timed post. Only a user with the approver permission other than the one who asked to post (or created the
// run) may approve; API keys never. Each decision is one conditional update and is recorded (run_approvals + audit).

async function awaitingRun(db: Queryable, tenantId: string, runId: string) {
  const run = await loadRun(db, tenantId, runId);
  const [extra] = await queryRows<{ requestedBy: string | null; initiatorUserId: string | null; autoPostAt: string | null }>(
    db,
    sql`SELECT post_requested_by_user_id AS "requestedBy", initiator_user_id AS "initiatorUserId", auto_post_at::text AS "autoPostAt"
        FROM billing_runs WHERE id = ${runId}::uuid AND tenant_id = ${tenantId}`,
  );
  if (run.status !== "AWAITING_APPROVAL") {
    throw conflict(`${formatRunNumber(run.number)} is ${run.status}, not awaiting approval`);
  }
  return { run, ...extra };
}

export async function approveRun(db: Db, tenantId: string, rawInput: ApproveRunInput, actor: Actor) {
  const input = approveRunInput.parse(rawInput);
  if (actor.type !== "USER") throw forbidden("API keys cannot approve runs: an approver signs in and approves in the dashboard");
  const { run, requestedBy, initiatorUserId } = await awaitingRun(db, tenantId, input.id);
  const label = formatRunNumber(run.number);
  if (actor.userId === requestedBy) throw forbidden(`You asked to post ${label}: another approver must approve it (four eyes)`);
  if (actor.userId === initiatorUserId) throw forbidden(`You created ${label}: another approver must approve it (four eyes)`);
  const postAt = input.postAt ? new Date(input.postAt) : null;
  const later = postAt !== null && postAt.getTime() > Date.now();
  const job = await db.transaction(async (tx) => {
    if (later) {
      const set = await queryRows(
        tx,
        sql`UPDATE billing_runs SET auto_post_at = ${postAt!.toISOString()}::timestamptz, updated_at = now()
            WHERE id = ${run.id}::uuid AND tenant_id = ${tenantId} AND status = 'AWAITING_APPROVAL' AND NOT disabled RETURNING id`,
      );
      if (!set.length) throw conflict(`${label} changed while you approved it; reload and try again`);
      await recordDecision(tx, { tenantId, runId: run.id, decision: "APPROVED", actor, comment: input.comment, postAt: postAt!.toISOString(), before: "AWAITING_APPROVAL", after: "AWAITING_APPROVAL" });
      return null;
    }
    const started = await startStep(tx, {
      tenantId,
      runId: run.id,
      step: "POSTING",
      from: "AWAITING_APPROVAL",
      extra: noRejected(run.id),
      message: `approved by user:${actor.userId}; posting started`,
    });
    if (!started) throw conflict(`${label} changed while you approved it; reload and try again`);
    await recordDecision(tx, { tenantId, runId: run.id, decision: "APPROVED", actor, comment: input.comment, before: "AWAITING_APPROVAL", after: "POSTING" });
    return started;
  });
  if (job) await runtime().jobs.start(db, job);
  return later
    ? { status: "AWAITING_APPROVAL" as const, message: `${label} approved; it posts at ${postAt!.toISOString()} unless held` }
    : { status: "POSTING" as const, message: `${label} approved; posting started` };
}

/** Back to DRAFTS_READY for more review, with the reason; clears a timed post. */
export async function sendBackRun(db: Db, tenantId: string, rawInput: { id: string; comment: string }, actor: Actor) {
  const input = sendBackInput.parse(rawInput);
  const { run } = await awaitingRun(db, tenantId, input.id);
  await db.transaction(async (tx) => {
    const moved = await queryRows(
      tx,
      sql`UPDATE billing_runs SET status = 'DRAFTS_READY', post_requested_by_user_id = NULL, auto_post_at = NULL, updated_at = now()
          WHERE id = ${run.id}::uuid AND tenant_id = ${tenantId} AND status = 'AWAITING_APPROVAL' RETURNING id`,
    );
    if (!moved.length) throw conflict(`${formatRunNumber(run.number)} changed while you sent it back; reload and try again`);
    await recordDecision(tx, { tenantId, runId: run.id, decision: "SENT_BACK", actor, comment: input.comment, before: "AWAITING_APPROVAL", after: "DRAFTS_READY" });
  });
  return { status: "DRAFTS_READY" as const };
}

/** "Unless held": stops an approved run's timed post; it then waits for a new approval. */
export async function holdTimedPost(db: Db, tenantId: string, rawInput: { id: string; comment: string }, actor: Actor) {
  const input = sendBackInput.parse(rawInput);
  const { run } = await awaitingRun(db, tenantId, input.id);
  await db.transaction(async (tx) => {
    const held = await queryRows(
      tx,
      sql`UPDATE billing_runs SET auto_post_at = NULL, updated_at = now()
          WHERE id = ${run.id}::uuid AND tenant_id = ${tenantId} AND status = 'AWAITING_APPROVAL' AND auto_post_at IS NOT NULL RETURNING id`,
    );
    if (!held.length) throw conflict(`${formatRunNumber(run.number)} has no timed post to hold`);
    await recordDecision(tx, { tenantId, runId: run.id, decision: "HELD", actor, comment: input.comment, before: "AWAITING_APPROVAL", after: "AWAITING_APPROVAL" });
  });
  return { status: "AWAITING_APPROVAL" as const };
}

export type ApprovalRow = {
  id: number;
  decision: string;
  actorType: string;
  actorName: string | null;
  comment: string | null;
  postAt: Date | null;
  at: Date;
};

export async function listApprovals(db: Queryable, tenantId: string, runId: string) {
  await loadRun(db, tenantId, runId);
  const rows = await queryRows<ApprovalRow>(
    db,
    sql`SELECT r.id::int AS id, r.decision, r.actor_type AS "actorType", coalesce(u.name, 'API key ' || k.name, lower(r.actor_type::text)) AS "actorName",
          r.comment, ${iso("r.post_at")} AS "postAt", ${iso("r.at")} AS at
        FROM run_approvals r
        LEFT JOIN "user" u ON u.id = r.user_id
        LEFT JOIN api_keys k ON k.id = r.api_key_id AND k.tenant_id = ${tenantId}
        WHERE r.billing_run_id = ${runId}::uuid AND r.tenant_id = ${tenantId} ORDER BY r.at, r.id`,
  );
  return rows.map((r) => withDates(r, ["postAt", "at"]));
}

/**
 * Posts the approved runs whose timed post is due (called by the scheduler's tick). Each is a conditional
 * AWAITING_APPROVAL → POSTING with auto_post_at due, so two schedulers start it once.
 */
export async function postDueApprovedRuns(db: Db, now: Date = new Date()): Promise<number> {
  const due = await queryRows<{ id: string; tenantId: string }>(
    db,
    sql`SELECT id, tenant_id AS "tenantId" FROM billing_runs
        WHERE status = 'AWAITING_APPROVAL' AND auto_post_at IS NOT NULL AND auto_post_at <= ${now.toISOString()}::timestamptz AND NOT disabled`,
  );
  let started = 0;
  for (const run of due) {
    const job = await db.transaction(async (tx) => {
      const next = await startStep(tx, {
        tenantId: run.tenantId,
        runId: run.id,
        step: "POSTING",
        from: "AWAITING_APPROVAL",
        extra: sql`auto_post_at <= ${now.toISOString()}::timestamptz AND ${noRejected(run.id)}`,
        message: "approved timed post: posting started",
      });
      if (next) {
        await recordDecision(tx, { tenantId: run.tenantId, runId: run.id, decision: "AUTO_POSTED", actor: { type: "SYSTEM" }, before: "AWAITING_APPROVAL", after: "POSTING" });
      }
      return next;
    });
    if (job) {
      started++;
      await runtime().jobs.start(db, job);
    }
  }
  return started;
}
