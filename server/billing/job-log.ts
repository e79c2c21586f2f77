import { sql, type SQL } from "drizzle-orm";

// Entries of job_executions.log (shown in the run's execution report): a jsonb array of {at, level, message}.

export type JobLogLevel = "info" | "warn" | "error";
export type JobLogLine = { level: JobLogLevel; message: string };

/** A jsonb array of log entries stamped with the database clock, to append with `log = log || …`. */
export function jobLogEntries(lines: JobLogLine[]): SQL {
  if (!lines.length) return sql`'[]'::jsonb`;
  const entries = lines.map(
    (l) =>
      sql`jsonb_build_object('at', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'level', ${l.level}::text, 'message', ${l.message}::text)`,
  );
  return sql`jsonb_build_array(${sql.join(entries, sql`, `)})`;
}

export const jobLogEntry = (level: JobLogLevel, message: string) => jobLogEntries([{ level, message }]);
