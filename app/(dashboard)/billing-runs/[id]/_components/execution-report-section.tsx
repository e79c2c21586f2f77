"use client";

import { AlertCircleIcon, CheckCircle2Icon, Loader2Icon } from "lucide-react";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime, formatDuration, humanize } from "@/lib/format";
import { progressCaption, runningJobText } from "./job-indicator";
import { LogDialog } from "./log-dialog";
import { Section } from "./section";
import type { Execution, RunDetail } from "./types";

const jobLabel: Record<string, string> = {
  LINES: "Invoice lines",
  INVOICES: "Draft invoices",
  POSTING: "Posting",
  PDF: "PDF documents",
  XML: "XML documents",
  EMAIL: "Invoice e-mails",
  CANCEL: "Cancel",
};

function ExecutionStatus({ status }: { status: Execution["status"] }) {
  if (status === "RUNNING")
    return (
      <Badge variant="info">
        <Loader2Icon className="animate-spin" aria-hidden /> Running
      </Badge>
    );
  if (status === "FAILED") return <Badge variant="destructive">Failed</Badge>;
  return <Badge variant="success">Succeeded</Badge>;
}

function Progress({ execution }: { execution: Execution }) {
  const { done, total } = execution;
  const running = execution.status === "RUNNING";
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : running ? 0 : 100;
  return (
    <div className="grid min-w-28 gap-1">
      <div
        className="h-1.5 w-full overflow-hidden rounded-full bg-muted"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total || 100}
        aria-valuenow={total ? done : pct}
        aria-label="Progress"
      >
        <div className="h-full rounded-full bg-primary transition-[width] duration-500" style={{ width: `${pct}%` }} />
      </div>
      <span className="text-xs text-muted-foreground tabular-nums">
        {progressCaption(execution)}
      </span>
    </div>
  );
}

/** The section header's global status: visible even when the section is folded. */
export function GlobalJobStatus({ run, executions }: { run: RunDetail; executions: Execution[] | undefined }) {
  const running = executions?.filter((e) => e.status === "RUNNING") ?? [];
  const latest = executions?.[0];
  if (running.length > 0 || run.runningJob) {
    const job = running[0];
    return (
      <Badge variant="info" data-testid="execution-global-status" aria-live="polite">
        <Loader2Icon className="animate-spin" aria-hidden />
        {job ? `${jobLabel[job.kind] ?? job.kind} running ${runningJobText(job) ?? ""}` : "Running"}
      </Badge>
    );
  }
  if (run.status === "FAILED" || latest?.status === "FAILED") {
    return (
      <Badge variant="destructive" data-testid="execution-global-status">
        <AlertCircleIcon aria-hidden /> Error
      </Badge>
    );
  }
  if (latest) {
    return (
      <Badge variant="success" data-testid="execution-global-status">
        <CheckCircle2Icon aria-hidden /> OK
      </Badge>
    );
  }
  return null;
}

/** (3) Execution report: global status, execution history with log popup, live progress while a job runs. */
export function ExecutionReportSection({
  run,
  executions,
  loading,
  error,
  onRetry,
}: {
  run: RunDetail;
  executions: Execution[] | undefined;
  loading: boolean;
  error: { message: string } | null;
  onRetry: () => void;
}) {
  const { errorSummary } = run;
  return (
    <Section id="execution-report" index={3} title="Execution report" status={<GlobalJobStatus run={run} executions={executions} />}>
      <div className="grid grid-cols-1 gap-3">
        {errorSummary && run.status === "FAILED" && (
          <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
            {errorSummary}
          </p>
        )}
        {error && !executions ? (
          <ErrorState title="Could not load the execution report" error={error} onRetry={onRetry} />
        ) : loading && !executions ? (
          <div className="grid grid-cols-1 gap-2">
            <Skeleton className="h-10 w-full" />
            <Skeleton className="h-10 w-full" />
          </div>
        ) : !executions?.length ? (
          <EmptyState title="No job has run yet" description="Process the run to start its first job." className="py-8" />
        ) : (
          <>
            <div className="hidden overflow-hidden rounded-lg border md:block">
              <Table>
                <TableHeader className="bg-muted/40">
                  <TableRow className="hover:bg-transparent">
                    <TableHead>Job</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead>Progress</TableHead>
                    <TableHead>Started</TableHead>
                    <TableHead>Duration</TableHead>
                    <TableHead>Error</TableHead>
                    <TableHead className="w-0">
                      <span className="sr-only">Log</span>
                    </TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {executions.map((execution) => (
                    <TableRow key={execution.id} data-testid="execution-row">
                      <TableCell className="font-medium">
                        {jobLabel[execution.kind] ?? execution.kind}
                        {execution.driver && <span className="ml-2 text-xs text-muted-foreground">{execution.driver}</span>}
                      </TableCell>
                      <TableCell>
                        <ExecutionStatus status={execution.status} />
                      </TableCell>
                      <TableCell>
                        <Progress execution={execution} />
                      </TableCell>
                      <TableCell>{formatDateTime(execution.startedAt)}</TableCell>
                      <TableCell className="tabular-nums">{formatDuration(execution.startedAt, execution.endedAt)}</TableCell>
                      <TableCell className="max-w-72 truncate text-destructive" title={execution.error ?? undefined}>
                        {execution.error ?? ""}
                      </TableCell>
                      <TableCell>
                        <LogDialog execution={execution} />
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
            <ul className="grid grid-cols-1 gap-2 md:hidden">
              {executions.map((execution) => (
                <li key={execution.id} className="grid grid-cols-1 gap-2 rounded-lg border p-3 text-sm" data-testid="execution-card">
                  <div className="flex items-center justify-between gap-2">
                    <span className="font-medium">{jobLabel[execution.kind] ?? humanize(execution.kind)}</span>
                    <ExecutionStatus status={execution.status} />
                  </div>
                  <Progress execution={execution} />
                  <div className="flex items-center justify-between gap-2 text-xs text-muted-foreground">
                    <span>
                      {formatDateTime(execution.startedAt)} · {formatDuration(execution.startedAt, execution.endedAt)}
                    </span>
                    <LogDialog execution={execution} />
                  </div>
                  {execution.error && <p className="text-destructive">{execution.error}</p>}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </Section>
  );
}
