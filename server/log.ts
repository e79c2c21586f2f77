import pino, { type Logger } from "pino";
import { env } from "./env";

// The process log: JSON lines (pino) carrying tenantId / runId / jobId where they are known. The operator-facing
// history of a job stays in job_executions.log (the execution report); this log is for whoever runs the servers.

const holder = globalThis as unknown as { billrunLogger?: Logger };

export const log: Logger = (holder.billrunLogger ??= pino({
  level: env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "warn" : "info"),
  base: { app: "billrun" },
}));

export type { Logger };
