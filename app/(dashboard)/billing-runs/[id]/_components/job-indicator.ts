import { formatCount } from "@/lib/format";
import type { Execution } from "./types";

/** The latest execution of a kind (executions come newest first, but do not rely on it). */
export function latestOf(executions: Execution[] | undefined, kind: Execution["kind"]): Execution | undefined {
  return executions
    ?.filter((e) => e.kind === kind)
    .sort((a, b) => new Date(b.startedAt).getTime() - new Date(a.startedAt).getTime())[0];
}

/** The server's estimate of a running job's time left, in words: "about 12 s left", "about 3 min left"; null without one. */
export function timeLeftText(secondsLeft: number | null | undefined): string | null {
  if (secondsLeft === null || secondsLeft === undefined) return null;
  if (secondsLeft <= 0) return "finishing";
  if (secondsLeft < 60) return `about ${secondsLeft} s left`;
  if (secondsLeft < 3600) return `about ${Math.round(secondsLeft / 60)} min left`;
  return `about ${(secondsLeft / 3600).toFixed(1)} h left`;
}

/** A running job's "340/1,000 · about 12 s left" (the busy button, the job badges); null before it is planned. */
export function runningJobText(job: { done: number; total: number; secondsLeft?: number | null } | null | undefined): string | null {
  if (!job || job.total <= 0) return null;
  const left = timeLeftText(job.secondsLeft);
  return `${formatCount(job.done)}/${formatCount(job.total)}${left ? ` · ${left}` : ""}`;
}

/** "340/1000" for a running job, null otherwise. */
export function progressText(execution: Execution | undefined): string | null {
  if (!execution || execution.status !== "RUNNING") return null;
  return runningJobText(execution) ?? "…";
}

/**
 * A job's progress under its bar: "340 / 1,000" (with the estimate while it runs); a job that had nothing to work on
 * (e.g. canceling a run that was never processed: no accounts) says so instead of "0 / 0".
 */
export function progressCaption(execution: Pick<Execution, "done" | "total" | "status"> & { secondsLeft?: number | null }): string {
  if (execution.total > 0) {
    const left = execution.status === "RUNNING" ? timeLeftText(execution.secondsLeft) : null;
    return `${formatCount(execution.done)} / ${formatCount(execution.total)}${left ? ` · ${left}` : ""}`;
  }
  if (execution.status === "RUNNING") return "Planning…";
  return execution.status === "SUCCEEDED" ? "Nothing to do" : "—";
}
