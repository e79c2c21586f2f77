import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { latestDue, nextOccurrences, type ScheduleTiming } from "@/lib/schedule-dates";
import { DomainError } from "@/server/errors";
import { log } from "@/server/log";
import { postDueApprovedRuns } from "./approvals";
import { formatRunNumber } from "./run-list";
import { createRun } from "./runs";
import { requestProcess } from "./run-transitions";
import type { Actor } from "./runs-core";

// The scheduler's pass, the same function whether this process's timer (SchedulerLoop) or the Inngest cron
// (inngest/functions/billing-schedules.ts) calls it. For every enabled schedule it makes sure the most recent period
// that is due has its run: created once (billing_runs_cycle_period_uq, a conditional insert — any number of
// schedulers, any number of passes), then processed by the schedule's mode. Only the latest due period is created,
// so after downtime a schedule catches up once: that run's cut-off bills every item still open before it. The pass
// also starts the approved runs whose timed post is due.

const SYSTEM: Actor = { type: "SYSTEM" };

type DueSchedule = ScheduleTiming & {
  billingCycleId: string;
  tenantId: string;
  mode: "MANUAL" | "REVIEW" | "AUTO_POST";
  startsPeriod: string;
};

export type SchedulerPass = { created: number; processed: number; timedPosts: number; nextAt: Date | null };

/** What one schedule failed with, logged once per period and message (a pass runs every minute). */
const reported = new Set<string>();

export async function runSchedulerPass(db: Db, now: Date = new Date()): Promise<SchedulerPass> {
  const schedules = await queryRows<DueSchedule>(
    db,
    sql`SELECT s.billing_cycle_id AS "billingCycleId", s.tenant_id AS "tenantId", s.day_of_month AS "dayOfMonth", s.time_of_day AS "timeOfDay",
          s.time_zone AS "timeZone", s.cutoff_offset_days AS "cutoffOffsetDays", s.invoice_date_offset_days AS "invoiceDateOffsetDays",
          s.mode, s.starts_period AS "startsPeriod"
        FROM billing_schedules s JOIN billing_cycles c ON c.id = s.billing_cycle_id AND c.tenant_id = s.tenant_id AND c.active
        WHERE s.enabled`,
  );
  let created = 0;
  let processed = 0;
  let nextAt: Date | null = null;
  for (const s of schedules) {
    const upcoming = nextOccurrences(s, now, 1, s.startsPeriod)[0].dueAt;
    if (!nextAt || upcoming < nextAt) nextAt = upcoming;
    const due = latestDue(s, now, s.startsPeriod);
    if (!due) continue;
    try {
      const [existing] = await queryRows<{ id: string; status: string; initiator: string; disabled: boolean }>(
        db,
        sql`SELECT id, status, initiator_type AS initiator, disabled FROM billing_runs
            WHERE billing_cycle_id = ${s.billingCycleId}::uuid AND scheduled_period = ${due.period} AND tenant_id = ${s.tenantId}`,
      );
      let runId: string | null = existing?.id ?? null;
      if (!existing) {
        runId = await createScheduledRun(db, s, due);
        if (runId) created++;
      }
      // REVIEW / AUTO_POST: process the schedule's own run while it is still NEW (also when a crash came between)
      const fresh = !existing || (existing.status === "NEW" && existing.initiator === "SYSTEM" && !existing.disabled);
      if (runId && fresh && s.mode !== "MANUAL") {
        const result = await requestProcess(db, s.tenantId, runId, SYSTEM).catch((error: unknown) => {
          if (error instanceof DomainError && error.code === "CONFLICT") return null; // another scheduler started it
          throw error;
        });
        if (result?.started) processed++;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const key = `${s.billingCycleId}/${due.period}/${message}`;
      if (!reported.has(key)) {
        reported.add(key);
        log.warn({ tenantId: s.tenantId, billingCycleId: s.billingCycleId, period: due.period, err: message }, "scheduled run could not be created or processed");
      }
    }
  }
  const timedPosts = await postDueApprovedRuns(db, now);
  return { created, processed, timedPosts, nextAt };
}

/** The period's run, or null when another scheduler created it first. */
async function createScheduledRun(db: Db, s: DueSchedule, due: { period: string; cutoffDate: string; invoiceDate: string }) {
  try {
    const run = await createRun(
      db,
      s.tenantId,
      {
        type: "CYCLE",
        billingCycleId: s.billingCycleId,
        invoiceDate: due.invoiceDate,
        cutoffDate: due.cutoffDate,
        mode: s.mode === "AUTO_POST" ? "AUTO_POST" : "REVIEW",
      },
      SYSTEM,
      { scheduledPeriod: due.period },
    );
    log.info({ tenantId: s.tenantId, run: formatRunNumber(run.number), period: due.period }, "scheduled run created");
    return run.id;
  } catch (error) {
    if (error instanceof DomainError && error.code === "CONFLICT") {
      const [row] = await queryRows<{ id: string }>(
        db,
        sql`SELECT id FROM billing_runs WHERE billing_cycle_id = ${s.billingCycleId}::uuid AND scheduled_period = ${due.period}`,
      );
      return row ? null : Promise.reject(error);
    }
    throw error;
  }
}
