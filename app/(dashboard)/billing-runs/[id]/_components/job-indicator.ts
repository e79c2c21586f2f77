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
