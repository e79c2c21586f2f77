import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db, type Queryable, type Tx } from "@/db/client";
import { approvalPolicyInput, type ApprovalPolicyInput } from "@/lib/review-inputs";
import { recordAudit } from "@/server/audit/audit-log";
import type { Actor } from "./runs-core";

// Four eyes: the tenant's approval policy, and moving a run that needs approval to AWAITING_APPROVAL instead of
// posting it. Deciding (approve / send back / hold) is approvals.ts.

export type ApprovalPolicy = {
  mode: "OFF" | "ALWAYS" | "ABOVE";
  /** ABOVE: the gross-total threshold per currency, exactly as stored (numeric as text); {} when none */
  grossAbove: Record<string, string>;
  invoiceCountAbove: number | null;
};

export async function getApprovalPolicy(db: Queryable, tenantId: string): Promise<ApprovalPolicy> {
  const [row] = await queryRows<ApprovalPolicy>(
    db,
    sql`SELECT p.mode, p.invoice_count_above AS "invoiceCountAbove",
          coalesce((SELECT jsonb_object_agg(t.currency, t.gross_above::text) FROM approval_thresholds t WHERE t.tenant_id = p.tenant_id), '{}'::jsonb)
            AS "grossAbove"
        FROM approval_policies p WHERE p.tenant_id = ${tenantId}`,
  );
  return row ?? { mode: "OFF", grossAbove: {}, invoiceCountAbove: null };
}

export async function saveApprovalPolicy(db: Db, tenantId: string, rawInput: ApprovalPolicyInput, actor: Actor): Promise<ApprovalPolicy> {
  const input = approvalPolicyInput.parse(rawInput);
  const thresholds = input.mode === "ABOVE" ? Object.entries(input.grossAbove ?? {}) : [];
  const countAbove = input.mode === "ABOVE" ? (input.invoiceCountAbove ?? null) : null;
  return db.transaction(async (tx) => {
    // the policy row exists and is locked before `before` is read: concurrent saves are recorded one after the other
    await tx.execute(sql`INSERT INTO approval_policies (tenant_id) VALUES (${tenantId}) ON CONFLICT (tenant_id) DO NOTHING`);
    await tx.execute(sql`SELECT 1 FROM approval_policies WHERE tenant_id = ${tenantId} FOR UPDATE`);
    const before = await getApprovalPolicy(tx, tenantId);
    await tx.execute(sql`UPDATE approval_policies SET mode = ${input.mode}, invoice_count_above = ${countAbove}, updated_at = now() WHERE tenant_id = ${tenantId}`);
    await tx.execute(sql`DELETE FROM approval_thresholds WHERE tenant_id = ${tenantId}`);
    if (thresholds.length) {
      await tx.execute(sql`INSERT INTO approval_thresholds (tenant_id, currency, gross_above) VALUES ${sql.join(
        thresholds.map(([currency, amount]) => sql`(${tenantId}, ${currency}, ${amount}::numeric)`),
        sql`, `,
      )}`);
    }
    const after = await getApprovalPolicy(tx, tenantId);
    await recordAudit(tx, { tenantId, actor, action: "settings.approval_policy.update", entityType: "settings", entityId: "approval_policy", before, after });
    return after;
  });
}

/** Why the run needs approval before posting under the tenant's policy, or null when it does not. */
export async function approvalReason(db: Queryable, tenantId: string, runId: string): Promise<string | null> {
  const policy = await getApprovalPolicy(db, tenantId);
  if (policy.mode === "OFF") return null;
  if (policy.mode === "ALWAYS") return "the tenant's policy asks for approval of every run";
  // per currency: the gross total to post, compared (numeric) with that currency's threshold
  const [row] = await queryRows<{ invoices: number; above: { currency: string; gross: string; threshold: string }[] }>(
    db,
    sql`WITH to_post AS (
          SELECT currency, gross_total FROM invoices
          WHERE billing_run_id = ${runId}::uuid AND tenant_id = ${tenantId} AND status IN ('DRAFT', 'SUSPECT')),
        per_currency AS (SELECT currency, sum(gross_total) AS gross FROM to_post GROUP BY currency)
        SELECT (SELECT count(*)::int FROM to_post) AS invoices,
          coalesce((SELECT jsonb_agg(jsonb_build_object('currency', c.currency, 'gross', c.gross::text, 'threshold', t.gross_above::text) ORDER BY c.currency)
            FROM per_currency c JOIN approval_thresholds t ON t.tenant_id = ${tenantId} AND t.currency = c.currency
            WHERE c.gross > t.gross_above), '[]'::jsonb) AS above`,
  );
  if (policy.invoiceCountAbove !== null && row.invoices > policy.invoiceCountAbove) {
    return `${row.invoices} invoices to post, more than ${policy.invoiceCountAbove}`;
  }
  if (row.above.length) return row.above.map((a) => `gross total ${a.gross} ${a.currency} above the ${a.currency} threshold ${a.threshold}`).join("; ");
  return null;
}

export const actorColumns = (actor: Actor) => ({
  userId: actor.type === "USER" ? actor.userId : null,
  apiKeyId: actor.type === "API_KEY" ? actor.apiKeyId : null,
});

/** Records an approval request or decision (run_approvals) and its audit entry, in the caller's transaction. */
export async function recordDecision(
  tx: Queryable,
  o: { tenantId: string; runId: string; decision: "REQUESTED" | "APPROVED" | "SENT_BACK" | "HELD" | "AUTO_POSTED"; actor: Actor; comment?: string | null; postAt?: string | null; before: string; after: string },
) {
  const { userId, apiKeyId } = actorColumns(o.actor);
  await tx.execute(sql`
    INSERT INTO run_approvals (tenant_id, billing_run_id, decision, actor_type, user_id, api_key_id, comment, post_at)
    VALUES (${o.tenantId}, ${o.runId}::uuid, ${o.decision}, ${o.actor.type}::initiator_type, ${userId}, ${apiKeyId}::uuid, ${o.comment ?? null},
      ${o.postAt ?? null}::timestamptz)`);
  await recordAudit(tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: `run.approval.${o.decision.toLowerCase()}`,
    entityType: "run",
    entityId: o.runId,
    before: { status: o.before },
    after: { status: o.after },
    data: { comment: o.comment ?? null, postAt: o.postAt ?? null },
  });
}

/**
 * DRAFTS_READY → AWAITING_APPROVAL in one conditional update (`extra`: the run's posting precondition), with the
 * request recorded. The requester (`actor`, or the run's initiator when the system asks) cannot approve it.
 */
export async function enterApproval(tx: Tx, o: { tenantId: string; runId: string; actor: Actor; reason: string; extra: SQL }): Promise<boolean> {
  const requester = o.actor.type === "USER" ? sql`${o.actor.userId}::text` : sql`initiator_user_id`;
  const moved = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE billing_runs SET status = 'AWAITING_APPROVAL', post_requested_by_user_id = ${requester}, auto_post_at = NULL, updated_at = now()
        WHERE id = ${o.runId}::uuid AND tenant_id = ${o.tenantId} AND status = 'DRAFTS_READY' AND NOT disabled AND ${o.extra}
        RETURNING id`,
  );
  if (!moved.length) return false;
  await recordDecision(tx, { tenantId: o.tenantId, runId: o.runId, decision: "REQUESTED", actor: o.actor, comment: o.reason, before: "DRAFTS_READY", after: "AWAITING_APPROVAL" });
  return true;
}
