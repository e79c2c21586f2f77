import type { billingRunMode, billingRunStatus, jobKind } from "@/db/schema/enums";
import { RUNNING_STATUSES, type InvoiceAction, type InvoiceStatus, type RUN_TYPES } from "@/lib/billing-values";

// The billing-run state machine of SPEC.md, as data, and the actions it allows on a run and on the run's invoices.
// Transitions themselves are conditional UPDATEs (transitions.ts).

export type RunStatus = (typeof billingRunStatus.enumValues)[number];
export type RunMode = (typeof billingRunMode.enumValues)[number];
export type RunType = (typeof RUN_TYPES)[number];
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
  "APPROVE",
  "SEND_BACK",
] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];

/** The running status a step puts the run in, and the status it leaves the run in when done. */
export const STEP_STATUS: Record<StepKind, { running: RunStatus; done: RunStatus }> = {
  LINES: { running: "CREATING_LINES", done: "LINES_CREATED" },
  INVOICES: { running: "CREATING_INVOICES", done: "DRAFTS_READY" },
  POSTING: { running: "POSTING", done: "POSTED" },
  CANCEL: { running: "CANCELING", done: "CANCELED" },
};

/** Statuses in which a step job works on the run (defined in lib/, where the dashboard reads it too). */
export { RUNNING_STATUSES };

export function stepOfRunningStatus(status: RunStatus): StepKind | null {
  for (const [step, s] of Object.entries(STEP_STATUS)) if (s.running === status) return step as StepKind;
  return null;
}

/** Statuses in which Process starts a step (FAILED retries the failed step). */
export const PROCESSABLE: RunStatus[] = ["NEW", "LINES_CREATED", "DRAFTS_READY", "FAILED"];
/** Statuses in which Disable / Enable are allowed. */
export const DISABLEABLE: RunStatus[] = ["NEW", "LINES_CREATED", "DRAFTS_READY"];
/** Statuses in which Cancel is allowed (and only while nothing of the run is posted). */
export const CANCELABLE: RunStatus[] = ["NEW", "LINES_CREATED", "DRAFTS_READY", "AWAITING_APPROVAL", "FAILED"];
/** Save (description) is allowed everywhere except while a step job runs. */
export const SAVEABLE: RunStatus[] = ["NEW", "LINES_CREATED", "DRAFTS_READY", "AWAITING_APPROVAL", "POSTED", "FAILED", "CANCELING", "CANCELED"];
/** Statuses in which the run's invoices can be reviewed (validated, rejected, quarantined, canceled). */
export const INVOICES_REVIEWABLE: RunStatus[] = ["DRAFTS_READY"];

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
  if (s === "DRAFTS_READY" || s === "AWAITING_APPROVAL" || s === "POSTED") actions.push("GENERATE_PDF", "GENERATE_XML");
  // four eyes: an approver other than the requester approves (checked by the service), anyone may send it back
  if (s === "AWAITING_APPROVAL" && !run.disabled) actions.push("APPROVE", "SEND_BACK");
  // sends the posted invoices' e-mails not sent yet (the run option sends them on post; this re-sends missing ones)
  if (s === "POSTED") actions.push("EMAIL_INVOICES");
  if (INVOICES_REVIEWABLE.includes(s)) actions.push("INVOICE_ACTIONS");
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

// ---------------------------------------------------------------------------------------------------------------
// Invoices: the review actions an invoice allows depend on its status and on its (current) run's.

/** The invoice statuses each review action applies to; bulk actions skip the selected invoices in other statuses. */
export const INVOICE_ACTION_FROM: Record<InvoiceAction, readonly InvoiceStatus[]> = {
  VALIDATE: ["SUSPECT", "REJECTED"],
  REJECT: ["DRAFT", "SUSPECT"],
  QUARANTINE: ["DRAFT", "SUSPECT", "REJECTED"],
  CANCEL: ["DRAFT", "SUSPECT", "REJECTED"],
};

type InvoiceRunLike = { status: RunStatus; type: RunType };

/**
 * The review actions a run allows on its invoices: none unless its drafts are ready for review; the invoices of a
 * quarantine run cannot be quarantined again.
 */
export function runInvoiceActions(run: InvoiceRunLike): InvoiceAction[] {
  if (!INVOICES_REVIEWABLE.includes(run.status)) return [];
  const actions: InvoiceAction[] = ["VALIDATE", "REJECT", "QUARANTINE", "CANCEL"];
  return run.type === "QUARANTINE" ? actions.filter((a) => a !== "QUARANTINE") : actions;
}

/** The review actions available on an invoice in `invoiceStatus` that belongs to `run`. */
export function availableInvoiceActions(run: InvoiceRunLike, invoiceStatus: InvoiceStatus): InvoiceAction[] {
  return runInvoiceActions(run).filter((action) => INVOICE_ACTION_FROM[action].includes(invoiceStatus));
}
