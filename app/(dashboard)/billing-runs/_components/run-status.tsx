import { AlertTriangleIcon, Loader2Icon } from "lucide-react";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { RUNNING_STATUSES } from "@/lib/billing-values";
import type { RunStatus } from "./search-params";

export const runStatusLabel: Record<RunStatus, string> = {
  NEW: "New",
  CREATING_LINES: "Creating lines",
  LINES_CREATED: "Lines created",
  CREATING_INVOICES: "Creating invoices",
  DRAFTS_READY: "Drafts ready",
  AWAITING_APPROVAL: "Awaiting approval",
  POSTING: "Posting",
  POSTED: "Posted",
  FAILED: "Failed",
  CANCELING: "Canceling",
  CANCELED: "Canceled",
};

const variant: Record<RunStatus, BadgeVariant> = {
  NEW: "outline",
  CREATING_LINES: "info",
  LINES_CREATED: "secondary",
  CREATING_INVOICES: "info",
  DRAFTS_READY: "warning",
  AWAITING_APPROVAL: "warning",
  POSTING: "info",
  POSTED: "success",
  FAILED: "destructive",
  CANCELING: "muted",
  CANCELED: "muted",
};

export const runTypeLabel: Record<string, string> = { CYCLE: "Cycle", EXCEPTIONAL: "Exceptional", QUARANTINE: "Quarantine" };

export { formatRunNumber } from "@/lib/run-number";

export function RunStatusBadge({ status, disabled }: { status: RunStatus; disabled?: boolean }) {
  // a step job works on the run (the state machine's running statuses)
  const busy = RUNNING_STATUSES.includes(status);
  return (
    <span className="inline-flex items-center gap-1">
      <Badge variant={variant[status]} data-testid="run-status">
        {busy && <Loader2Icon className="animate-spin" aria-hidden />}
        {runStatusLabel[status]}
      </Badge>
      {disabled && <Badge variant="outline">Disabled</Badge>}
    </span>
  );
}

/** The alert icon of the runs list: the run failed, or completed with per-account failures. */
export function RunAlertIcon({ status, hasFailures }: { status: RunStatus; hasFailures: boolean }) {
  if (status !== "FAILED" && !hasFailures) return null;
  const text = status === "FAILED" ? "The run failed" : "Completed with failed accounts or subscriptions";
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <span className="inline-flex text-destructive" role="img" aria-label={text} data-testid="run-alert">
          <AlertTriangleIcon className="size-4" aria-hidden />
        </span>
      </TooltipTrigger>
      <TooltipContent>{text}</TooltipContent>
    </Tooltip>
  );
}
