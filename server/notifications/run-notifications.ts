import { sql } from "drizzle-orm";
import { createElement } from "react";
import { queryRows, type Queryable } from "@/db/client";
import { jobLogEntry } from "@/server/billing/job-log";
import type { Db } from "@/db/client";
import type { RunMilestone } from "@/server/outbox/outbox";
import { log } from "@/server/log";
import { runtime } from "@/server/runtime";
import { formatRunNumber } from "@/server/billing/run-list";

// Run status e-mails (DRAFTS_READY / POSTED / FAILED) to the initiating user (runs started by a USER) and the
// tenant's notification recipients. One e-mail per (run, milestone), ever: idempotency key run:<runId>:<milestone>.
// A failure is written to the log of the run's latest step execution (the outbox row shows it too); errors are rethrown
// so the outbox consumer logs them too (a failing e-mail never fails the billing run).

const STEP_KINDS = sql`('LINES', 'INVOICES', 'POSTING', 'CANCEL')`;

type RunInfo = {
  number: number;
  description: string;
  error_summary: string | null;
  failed_accounts_count: number;
  totals: Record<string, { net: string; tax: string; gross: string }>;
  initiator_type: string;
  initiator_email: string | null;
  tenant_name: string;
  recipients: string[] | null;
};

export type RunMilestoneEvent = { db: Db; tenantId: string; runId: string; milestone: RunMilestone; error?: string };

export const runNotificationKey = (runId: string, milestone: RunMilestone) => `run:${runId}:${milestone}`;

async function logOnJob(db: Queryable, runId: string, level: "error", message: string) {
  await db.execute(sql`UPDATE job_executions SET log = log || ${jobLogEntry(level, message)}
    WHERE id = (SELECT id FROM job_executions WHERE billing_run_id = ${runId}::uuid AND kind IN ${STEP_KINDS}
      ORDER BY started_at DESC LIMIT 1)`);
}

/** Sends (or puts in the outbox) the run status e-mail of one milestone. Returns the outcome, or null without recipients. */
export async function sendRunNotification(event: RunMilestoneEvent) {
  const { db, tenantId, runId, milestone } = event;
  try {
    const [run] = await queryRows<RunInfo>(
      db,
      sql`SELECT b.number, b.description, b.error_summary, b.failed_accounts_count, b.totals, b.initiator_type,
            u.email AS initiator_email, o.name AS tenant_name, p.notification_recipients AS recipients
          FROM billing_runs b
          JOIN organization o ON o.id = b.tenant_id
          LEFT JOIN tenant_profiles p ON p.tenant_id = b.tenant_id
          LEFT JOIN "user" u ON u.id = b.initiator_user_id AND b.initiator_type = 'USER'
          WHERE b.id = ${runId}::uuid AND b.tenant_id = ${tenantId}`,
    );
    if (!run) return null;
    const to = [...new Set([...(run.initiator_email ? [run.initiator_email] : []), ...(run.recipients ?? [])].map((a) => a.trim()).filter(Boolean))];
    if (!to.length) return null; // API / webhook run of a tenant without notification recipients
    const counts = await queryRows<{ status: string; n: number }>(
      db,
      sql`SELECT status::text AS status, count(*)::int AS n FROM invoices WHERE billing_run_id = ${runId}::uuid GROUP BY status`,
    );
    const [{ sendEmail }, { RunStatusEmail, runEmailSubject }] = await Promise.all([
      import("./send-email"),
      import("./templates/run-status-email"),
    ]);
    const runNumber = formatRunNumber(run.number);
    const props = {
      tenantName: run.tenant_name,
      runNumber,
      description: run.description,
      status: milestone,
      invoiceCounts: Object.fromEntries(counts.map((c) => [c.status, c.n])),
      totals: Object.entries(run.totals ?? {}).map(([currency, t]) => ({ currency, ...t })),
      failuresCount: run.failed_accounts_count,
      errorSummary: event.error ?? run.error_summary,
      url: `${runtime().settings.appUrl}/billing-runs/${runId}`,
    };
    const result = await sendEmail(db, tenantId, {
      idempotencyKey: runNotificationKey(runId, milestone),
      to,
      subject: runEmailSubject(props),
      react: createElement(RunStatusEmail, props),
      billingRunId: runId,
    });
    // success is visible in email_outbox (dashboard); only failures are written to the job's log
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await logOnJob(db, runId, "error", `run e-mail (${milestone}) failed: ${message}`).catch((e) =>
      log.error({ runId, err: String(e) }, "could not log the run e-mail failure"),
    );
    throw error;
  }
}
