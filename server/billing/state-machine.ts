import type { billingRunMode, billingRunStatus, jobKind } from "@/db/schema/enums";

// The billing-run state machine of SPEC.md, as data. Transitions themselves are conditional UPDATEs (transitions.ts).

export type RunStatus = (typeof billingRunStatus.enumValues)[number];
export type RunMode = (typeof billingRunMode.enumValues)[number];
export type JobKind = (typeof jobKind.enumValues)[number];
/** Jobs that move a run through its states (PDF / XML / EMAIL are document jobs, not steps). */
export type StepKind = "LINES" | "INVOICES" | "POSTING" | "CANCEL";

export const RUN_ACTIONS = [
  "PROCESS",
  "POST",
  "DISABLE",
  "ENABLE",
  "CANCEL",
  "SAVE",
  "GENERATE_PDF",
  "GENERATE_XML",
  "EMAIL_INVOICES",
  "RETRY_FAILED",
  "INVOICE_ACTIONS",
] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];

/** The running status a step puts the run in, and the status it leaves the run in when done. */
export const STEP_STATUS: Record<StepKind, { running: RunStatus; done: RunStatus }> = {
  LINES: { running: "CREATING_LINES", done: "LINES_CREATED" },
  INVOICES: { running: "CREATING_INVOICES", done: "DRAFTS_READY" },
  POSTING: { running: "POSTING", done: "POSTED" },
  CANCEL: { running: "CANCELING", done: "CANCELED" },
};

export const RUNNING_STATUSES: RunStatus[] = ["CREATING_LINES", "CREATING_INVOICES", "POSTING", "CANCELING"];

export function stepOfRunningStatus(status: RunStatus): StepKind | null {
  for (const [step, s] of Object.entries(STEP_STATUS)) if (s.running === status) return step as StepKind;
  return null;
}

/** Statuses in which Process starts a step (FAILED retries the failed step). */
export const PROCESSABLE: RunStatus[] = ["NEW", "LINES_CREATED", "DRAFTS_READY", "FAILED"];
/** Statuses in which Disable / Enable are allowed. */
export const DISABLEABLE: RunStatus[] = ["NEW", "LINES_CREATED", "DRAFTS_READY"];
/** Statuses in which Cancel is allowed (and only while nothing of the run is posted). */
export const CANCELABLE: RunStatus[] = ["NEW", "LINES_CREATED", "DRAFTS_READY", "FAILED"];
/** Save (description) is allowed everywhere except while a step job runs. */
export const SAVEABLE: RunStatus[] = ["NEW", "LINES_CREATED", "DRAFTS_READY", "POSTED", "FAILED", "CANCELING", "CANCELED"];

/** The step Process starts from a resting status. */
export function nextStep(status: RunStatus, failedStep: string | null): StepKind | null {
  switch (status) {
    case "NEW":
      return "LINES";
    case "LINES_CREATED":
      return "INVOICES";
    case "DRAFTS_READY":
      return "POSTING";
    case "FAILED":
      return (failedStep as StepKind | null) ?? "LINES";
    default:
      return null;
  }
}

type RunLike = {
  status: RunStatus;
  mode: RunMode;
  disabled: boolean;
  hasFailures: boolean;
  failedStep: string | null;
};

export function availableActions(run: RunLike): RunAction[] {
  const actions: RunAction[] = [];
  const s = run.status;
  if (PROCESSABLE.includes(s) && !run.disabled) {
    actions.push("PROCESS");
    if (s === "DRAFTS_READY" || (s === "FAILED" && run.failedStep === "POSTING")) actions.push("POST");
  }
  if (DISABLEABLE.includes(s)) actions.push(run.disabled ? "ENABLE" : "DISABLE");
  if (CANCELABLE.includes(s) && !run.disabled) actions.push("CANCEL");
  if (SAVEABLE.includes(s)) actions.push("SAVE");
  if (s === "DRAFTS_READY" || s === "POSTED") actions.push("GENERATE_PDF", "GENERATE_XML");
  // sends the posted invoices' e-mails not sent yet (the run option sends them on post; this re-sends missing ones)
  if (s === "POSTED") actions.push("EMAIL_INVOICES");
  if (s === "DRAFTS_READY") actions.push("INVOICE_ACTIONS");
  if (run.hasFailures && !RUNNING_STATUSES.includes(s)) actions.push("RETRY_FAILED");
  return actions;
}

/** What the Process button does in this status, for its label. */
export function processLabel(run: Pick<RunLike, "status" | "mode" | "failedStep">): string | null {
  switch (run.status) {
    case "NEW":
      return run.mode === "MANUAL" ? "Create lines" : run.mode === "AUTO_POST" ? "Create and post invoices" : "Create invoices";
    case "LINES_CREATED":
      return run.mode === "AUTO_POST" ? "Create and post invoices" : "Create invoices";
    case "DRAFTS_READY":
      return "Post";
    case "FAILED": {
      const label: Record<string, string> = {
        LINES: "Retry: create lines",
        INVOICES: "Retry: create invoices",
        POSTING: "Retry: post",
        CANCEL: "Retry: cancel",
      };
      return label[run.failedStep ?? "LINES"] ?? "Retry";
    }
    default:
      return null;
  }
}
