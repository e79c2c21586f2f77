"use client";

import { FileQuestionIcon } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { TRPCClientError } from "@trpc/client";
import { MoneyList } from "../../_components/money-list";
import { formatRunNumber, RunAlertIcon, RunStatusBadge, runTypeLabel } from "../../_components/run-status";
import { ActionsBar } from "./actions-bar";
import { ConfigurationSection } from "./configuration-section";
import { ExecutionReportSection } from "./execution-report-section";
import { InvoicesSection } from "./invoices-section";
import { RunMemoEditor } from "./run-memo-editor";
import { ReviewQueueLink } from "./review-queue-link";
import { StatisticsSection } from "./statistics-section";
import { isRunBusy, useExecutions, useRun } from "./use-run";
import { useRunMutations } from "./use-run-mutations";

function isNotFound(error: unknown) {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "NOT_FOUND";
}

export function RunDetails({ id }: { id: string }) {
  const run = useRun(id);
  const busy = isRunBusy(run.data);
  const executions = useExecutions(id, busy);
  const mutations = useRunMutations();

  // The description is the only editable field: a local draft, saved from the actions bar.
  const [description, setDescription] = useState("");
  const savedDescription = run.data?.description;
  const lastSaved = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (savedDescription !== undefined && savedDescription !== lastSaved.current) {
      lastSaved.current = savedDescription;
      setDescription(savedDescription);
    }
  }, [savedDescription]);
  const descriptionDirty = savedDescription !== undefined && description.trim() !== savedDescription;

  // Settle the page when a job finishes or the run changes status: invoices and statistics change then. A quick job
  // can end before the page ever sees the run busy (a small run posts within one poll), so a new status counts too.
  const wasBusy = useRef(busy);
  const status = run.data?.status;
  const lastStatus = useRef(status);
  const { refresh } = mutations;
  useEffect(() => {
    const statusChanged = lastStatus.current !== undefined && status !== undefined && status !== lastStatus.current;
    if ((wasBusy.current && !busy) || statusChanged) void refresh();
    wasBusy.current = busy;
    lastStatus.current = status;
  }, [busy, status, refresh]);

  if (run.isPending) return <RunDetailsSkeleton />;
  if (run.isError) {
    if (isNotFound(run.error)) {
      return (
        <EmptyState
          icon={FileQuestionIcon}
          title="Billing run not found"
          description="It does not exist or belongs to another organization."
          action={
            <Button asChild variant="outline">
              <Link href="/billing-runs">Back to billing runs</Link>
            </Button>
          }
        />
      );
    }
    return <ErrorState title="Could not load the billing run" error={run.error} onRetry={() => void run.refetch()} retrying={run.isFetching} />;
  }

  const data = run.data;
  const label = formatRunNumber(data.number);

  function save() {
    const value = description.trim();
    if (!value) {
      toast.error("The description must not be empty");
      return;
    }
    mutations.saveDescription.mutate({ id, description: value }, { onSuccess: () => toast.success("Description saved") });
  }

  return (
    <div className="grid grid-cols-1 gap-4 pb-44 sm:pb-24">
      <ActionsBar run={data} executions={executions.data} mutations={mutations} descriptionDirty={descriptionDirty} onSave={save} />

      <header className="grid grid-cols-1 gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-xl font-semibold tracking-tight tabular-nums sm:text-2xl" data-testid="run-number">
            {label}
          </h1>
          <RunStatusBadge status={data.status} disabled={data.disabled} />
          <RunAlertIcon status={data.status} hasFailures={data.hasFailures} />
          <span className="text-sm text-muted-foreground">{runTypeLabel[data.type]}</span>
        </div>
        <p className="text-sm text-muted-foreground">{data.description}</p>
        <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          <span>
            <span className="text-muted-foreground">Invoices </span>
            <span className="font-medium tabular-nums">{data.invoicesCount}</span>
          </span>
          <span>
            <span className="text-muted-foreground">Excl. tax </span>
            <span className="font-medium">
              <MoneyList totals={data.totals} />
            </span>
          </span>
          <span>
            <span className="text-muted-foreground">Incl. tax </span>
            <span className="font-medium">
              <MoneyList totals={data.totals} field="gross" />
            </span>
          </span>
        </div>
        <ReviewQueueLink run={data} />
      </header>

      <ConfigurationSection run={data} description={description} onDescriptionChange={setDescription} onSave={save} />
      <RunMemoEditor run={data} />
      <ExecutionReportSection
        run={data}
        executions={executions.data}
        loading={executions.isPending}
        error={executions.error}
        onRetry={() => void executions.refetch()}
      />
      <StatisticsSection run={data} />
      <InvoicesSection run={data} />
    </div>
  );
}

function RunDetailsSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-4" aria-busy>
      <Skeleton className="h-12 w-full" />
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-4 w-96 max-w-full" />
      {Array.from({ length: 4 }, (_, i) => (
        <Skeleton key={i} className="h-16 w-full rounded-xl" />
      ))}
    </div>
  );
}
