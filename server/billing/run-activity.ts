import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Queryable } from "@/db/client";
import type { JobLogEntry } from "@/db/schema";
import { notFound } from "@/server/errors";
import { iso, loadRun, withDates } from "./runs-core";

// Paged views of a run's activity for the REST API (the dashboard shows the same data whole, through
// listFailures / listExecutions in runs.ts): failed accounts, executions (run steps and document jobs) and their logs.

const uuid = z.uuid("must be a UUID");
const page = z.number().int("must be a whole number").min(1, "must be ≥ 1").default(1);
const pageSize = (max: number, fallback: number) => z.number().int("must be a whole number").min(1, "must be ≥ 1").max(max, `must be ≤ ${max}`).default(fallback);

export const runFailuresInput = z.object({ id: uuid, page, pageSize: pageSize(200, 50) });
export const runExecutionInput = z.object({ id: uuid, executionId: uuid });
export const executionLogInput = runExecutionInput.extend({ page, pageSize: pageSize(1000, 200) });

export type Page<T> = { rows: T[]; total: number; page: number; pageSize: number };

/** The run's failed accounts / subscriptions, by account name then step. */
export async function listFailuresPage(db: Queryable, tenantId: string, rawInput: z.input<typeof runFailuresInput>) {
  const input = runFailuresInput.parse(rawInput);
  await loadRun(db, tenantId, input.id);
  const where = sql`f.billing_run_id = ${input.id}::uuid AND f.tenant_id = ${tenantId}`;
  const [rows, [{ total }]] = await Promise.all([
    queryRows<{ accountId: string; accountName: string; subscriptionId: string | null; subscriptionName: string | null; step: string; reason: string; createdAt: Date }>(
      db,
      sql`SELECT f.account_id AS "accountId", a.name AS "accountName", f.subscription_id AS "subscriptionId", s.name AS "subscriptionName",
            f.step, f.reason, ${iso("f.created_at")} AS "createdAt"
          FROM run_failures f JOIN customer_accounts a ON a.id = f.account_id AND a.tenant_id = f.tenant_id
            LEFT JOIN subscriptions s ON s.id = f.subscription_id AND s.tenant_id = f.tenant_id
          WHERE ${where} ORDER BY a.name, f.account_id, f.step, f.subscription_id NULLS FIRST
          LIMIT ${input.pageSize} OFFSET ${(input.page - 1) * input.pageSize}`,
    ),
    queryRows<{ total: number }>(db, sql`SELECT count(*)::int AS total FROM run_failures f WHERE ${where}`),
  ]);
  return { rows: rows.map((r) => withDates(r, ["createdAt"])), total, page: input.page, pageSize: input.pageSize };
}

export type ExecutionSummary = {
  id: string;
  kind: string;
  status: string;
  startedAt: Date;
  endedAt: Date | null;
  done: number;
  total: number;
  error: string | null;
  driver: string | null;
  logLines: number;
  /** a running job's estimate of the time left, seconds; null before its first chunk is done or once it ended */
  secondsLeft: number | null;
};

/**
 * The time a running job still needs at the pace of its chunks so far (elapsed × left / done), from its own counters:
 * null until a chunk is done (no pace yet) and once the job has ended.
 */
export const secondsLeftSql = sql`CASE WHEN status = 'RUNNING' AND done > 0 AND total > done
  THEN ceil(extract(epoch FROM clock_timestamp() - started_at) * (total - done) / done)::int
  WHEN status = 'RUNNING' AND total > 0 AND done >= total THEN 0 END`;

const executionColumns = sql`id, kind, status, ${iso("started_at")} AS "startedAt", ${iso("ended_at")} AS "endedAt", done, total, error, driver,
  jsonb_array_length(log)::int AS "logLines", ${secondsLeftSql} AS "secondsLeft"`;

/** The run's executions (run steps LINES / INVOICES / POSTING / CANCEL and document jobs PDF / XML / EMAIL), newest first, without logs. */
export async function listExecutionSummaries(db: Queryable, tenantId: string, runId: string): Promise<ExecutionSummary[]> {
  await loadRun(db, tenantId, runId);
  const rows = await queryRows<ExecutionSummary>(
    db,
    sql`SELECT ${executionColumns} FROM job_executions WHERE billing_run_id = ${runId}::uuid AND tenant_id = ${tenantId} ORDER BY started_at DESC, id`,
  );
  return rows.map((r) => withDates(r, ["startedAt", "endedAt"]));
}

/** One execution's progress (done of total chunks' items) and outcome: what a client polls after starting a document job. */
export async function getExecution(db: Queryable, tenantId: string, rawInput: z.input<typeof runExecutionInput>): Promise<ExecutionSummary> {
  const input = runExecutionInput.parse(rawInput);
  const [row] = await queryRows<ExecutionSummary>(
    db,
    sql`SELECT ${executionColumns} FROM job_executions
        WHERE id = ${input.executionId}::uuid AND billing_run_id = ${input.id}::uuid AND tenant_id = ${tenantId}`,
  );
  if (!row) throw notFound("Execution");
  return withDates(row, ["startedAt", "endedAt"]);
}

/** An execution's log lines in the order they were written, a page at a time (a long run writes thousands). */
export async function executionLogPage(db: Queryable, tenantId: string, rawInput: z.input<typeof executionLogInput>): Promise<Page<JobLogEntry>> {
  const input = executionLogInput.parse(rawInput);
  const [row] = await queryRows<{ total: number; rows: JobLogEntry[] }>(
    db,
    sql`SELECT jsonb_array_length(e.log)::int AS total,
          COALESCE((SELECT jsonb_agg(line ORDER BY n) FROM jsonb_array_elements(e.log) WITH ORDINALITY AS l(line, n)
                    WHERE n > ${(input.page - 1) * input.pageSize} AND n <= ${input.page * input.pageSize}), '[]'::jsonb) AS rows
        FROM job_executions e
        WHERE e.id = ${input.executionId}::uuid AND e.billing_run_id = ${input.id}::uuid AND e.tenant_id = ${tenantId}`,
  );
  if (!row) throw notFound("Execution");
  return { rows: row.rows, total: row.total, page: input.page, pageSize: input.pageSize };
}
