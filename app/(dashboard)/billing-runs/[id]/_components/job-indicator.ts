import { formatCount } from "@/lib/format";
import type { Execution } from "./types";

/** The latest execution of a kind (executions come newest first, but do not rely on it). */
export function latestOf(executions: Execution[] | undefined, kind: Execution["kind"]): Execution | undefined {
  return executions
    ?.filter((e) => e.kind === kind)
    .sort((a, b) => new Date(b.startedAt).getTime() - new Date(a.startedAt).getTime())[0];
}

/** "340/1000" for a running job, null otherwise. */
export function progressText(execution: Execution | undefined): string | null {
  if (!execution || execution.status !== "RUNNING") return null;
  return execution.total > 0 ? `${formatCount(execution.done)}/${formatCount(execution.total)}` : "…";
}

/**
 * A job's progress under its bar: "340 / 1,000"; a job that had nothing to work on (e.g. canceling a run that was
 * never processed: no accounts) says so instead of "0 / 0".
 */
export function progressCaption(execution: Pick<Execution, "done" | "total" | "status">): string {
  if (execution.total > 0) return `${formatCount(execution.done)} / ${formatCount(execution.total)}`;
  if (execution.status === "RUNNING") return "Planning…";
  return execution.status === "SUCCEEDED" ? "Nothing to do" : "—";
}
