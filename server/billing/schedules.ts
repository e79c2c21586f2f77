import { sql } from "drizzle-orm";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { deleteScheduleInput, scheduleInput, type ScheduleInput } from "@/lib/review-inputs";
import { nextOccurrences, type ScheduledOccurrence } from "@/lib/schedule-dates";
import { recordAudit } from "@/server/audit/audit-log";
import { notFound } from "@/server/errors";
import { iso, withDates, type Actor } from "./runs-core";

// Billing schedules: a billing cycle may carry one. The scheduler (scheduler.ts) then creates — and by mode processes
// and posts — the cycle's run once per month. Saving a schedule starts it from its next occurrence: it never creates
// runs for months that passed before it was saved or while it was disabled.

export type Schedule = {
  billingCycleId: string;
  dayOfMonth: number;
  timeOfDay: string;
  timeZone: string;
  cutoffOffsetDays: number;
  invoiceDateOffsetDays: number;
  mode: "MANUAL" | "REVIEW" | "AUTO_POST";
  enabled: boolean;
  startsPeriod: string;
  updatedAt: Date;
};

export type CycleSchedule = {
  billingCycleId: string;
  cycleName: string;
  schedule: Schedule | null;
  /** the next three runs the schedule will create (none while disabled) */
  nextRuns: ScheduledOccurrence[];
  lastRun: { id: string; number: number; period: string; status: string } | null;
};

const scheduleColumns = sql`s.billing_cycle_id AS "billingCycleId", s.day_of_month AS "dayOfMonth", s.time_of_day AS "timeOfDay",
  s.time_zone AS "timeZone", s.cutoff_offset_days AS "cutoffOffsetDays", s.invoice_date_offset_days AS "invoiceDateOffsetDays",
  s.mode, s.enabled, s.starts_period AS "startsPeriod", ${iso("s.updated_at")} AS "updatedAt"`;

const nextRunsOf = (s: Schedule | null, now: Date) => (s?.enabled ? nextOccurrences(s, now, 3, s.startsPeriod) : []);

/** The tenant's active billing cycles, each with its schedule (or none), next three run dates and last scheduled run. */
export async function listSchedules(db: Queryable, tenantId: string, now = new Date()): Promise<CycleSchedule[]> {
  const rows = await queryRows<{ id: string; name: string; schedule: Schedule | null; lastRun: CycleSchedule["lastRun"] }>(
    db,
    sql`SELECT c.id, c.name,
          (SELECT to_jsonb(x) FROM (SELECT ${scheduleColumns} FROM billing_schedules s WHERE s.billing_cycle_id = c.id) x) AS schedule,
          (SELECT jsonb_build_object('id', b.id, 'number', b.number, 'period', b.scheduled_period, 'status', b.status)
             FROM billing_runs b WHERE b.billing_cycle_id = c.id AND b.scheduled_period IS NOT NULL
             ORDER BY b.scheduled_period DESC LIMIT 1) AS "lastRun"
        FROM billing_cycles c WHERE c.tenant_id = ${tenantId} AND c.active ORDER BY c.name`,
  );
  return rows.map((r) => {
    const schedule = r.schedule ? withDates(r.schedule, ["updatedAt"]) : null;
    return { billingCycleId: r.id, cycleName: r.name, schedule, nextRuns: nextRunsOf(schedule, now), lastRun: r.lastRun };
  });
}

async function loadSchedule(db: Queryable, tenantId: string, billingCycleId: string): Promise<Schedule | null> {
  const [row] = await queryRows<Schedule>(
    db,
    sql`SELECT ${scheduleColumns} FROM billing_schedules s WHERE s.billing_cycle_id = ${billingCycleId}::uuid AND s.tenant_id = ${tenantId} FOR UPDATE`,
  );
  return row ? withDates(row, ["updatedAt"]) : null;
}

const audited = (s: Schedule | null) => (s ? { ...s, updatedAt: undefined } : null);

/** Creates or replaces the cycle's schedule; it starts with its next occurrence after `now`. */
export async function saveSchedule(db: Db, tenantId: string, rawInput: ScheduleInput, actor: Actor, now = new Date()) {
  const input = scheduleInput.parse(rawInput);
  const [cycle] = await queryRows<{ name: string }>(
    db,
    sql`SELECT name FROM billing_cycles WHERE id = ${input.billingCycleId}::uuid AND tenant_id = ${tenantId} AND active`,
  );
  if (!cycle) throw notFound("Billing cycle");
  const startsPeriod = nextOccurrences(input, now, 1)[0].period;
  return db.transaction(async (tx) => {
    const before = await loadSchedule(tx, tenantId, input.billingCycleId);
    await tx.execute(sql`
      INSERT INTO billing_schedules (billing_cycle_id, tenant_id, day_of_month, time_of_day, time_zone, cutoff_offset_days,
        invoice_date_offset_days, mode, enabled, starts_period)
      VALUES (${input.billingCycleId}::uuid, ${tenantId}, ${input.dayOfMonth}, ${input.timeOfDay}, ${input.timeZone}, ${input.cutoffOffsetDays},
        ${input.invoiceDateOffsetDays}, ${input.mode}::billing_run_mode, ${input.enabled}, ${startsPeriod})
      ON CONFLICT (billing_cycle_id) DO UPDATE SET day_of_month = excluded.day_of_month, time_of_day = excluded.time_of_day,
        time_zone = excluded.time_zone, cutoff_offset_days = excluded.cutoff_offset_days,
        invoice_date_offset_days = excluded.invoice_date_offset_days, mode = excluded.mode, enabled = excluded.enabled,
        starts_period = excluded.starts_period, updated_at = now()
      WHERE billing_schedules.tenant_id = ${tenantId}`);
    const after = (await loadSchedule(tx, tenantId, input.billingCycleId))!;
    await recordAudit(tx, {
      tenantId,
      actor,
      action: before ? "schedule.update" : "schedule.create",
      entityType: "schedule",
      entityId: input.billingCycleId,
      before: audited(before),
      after: audited(after),
    });
    return { billingCycleId: input.billingCycleId, cycleName: cycle.name, schedule: after, nextRuns: nextRunsOf(after, now) };
  });
}

export async function deleteSchedule(db: Db, tenantId: string, rawInput: { billingCycleId: string }, actor: Actor) {
  const input = deleteScheduleInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const before = await loadSchedule(tx, tenantId, input.billingCycleId);
    if (!before) throw notFound("Schedule");
    await tx.execute(sql`DELETE FROM billing_schedules WHERE billing_cycle_id = ${input.billingCycleId}::uuid AND tenant_id = ${tenantId}`);
    await recordAudit(tx, { tenantId, actor, action: "schedule.delete", entityType: "schedule", entityId: input.billingCycleId, before: audited(before) });
    return { billingCycleId: input.billingCycleId, deleted: true };
  });
}
