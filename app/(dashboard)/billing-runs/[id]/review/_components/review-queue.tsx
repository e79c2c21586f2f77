"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  ArrowLeftIcon,
  CheckCheckIcon,
  ChevronLeftIcon,
  ChevronRightIcon,
  ExternalLinkIcon,
  PartyPopperIcon,
  ShieldAlertIcon,
  XCircleIcon,
} from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatMoney } from "@/lib/money";
import { formatRunNumber } from "../../../_components/run-status";
import { BulkActionDialog, bulkActionLabel } from "../../_components/bulk-action-dialog";
import { InvoiceStatusBadge } from "../../_components/invoice-status";
import type { InvoiceRow } from "../../_components/types";
import { InvoiceReviewCard } from "../../invoices/[invoiceId]/_components/invoice-review-card";
import { commandOf, nextUnreviewed, SHORTCUTS, type ReviewCommand, type ReviewOutcome } from "./review-queue-state";

const QUEUE_STATUSES: InvoiceRow["status"][] = ["SUSPECT", "REJECTED"];
const outcomeText: Record<ReviewOutcome, string> = {
  VALIDATE: "Validated",
  REJECT: "Rejected",
  QUARANTINE: "Quarantined",
};

/**
 * The run's SUSPECT and REJECTED invoices one card at a time (phone first; j/k/v/r/q on a keyboard). The queue is the
 * list as it was when the page opened, so an invoice validated here stays countable as reviewed.
 */
export function ReviewQueue({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery(trpc.billingRuns.get.queryOptions({ id: runId }));
  const list = useQuery({
    ...trpc.invoices.list.queryOptions({
      runId,
      status: QUEUE_STATUSES,
      pageSize: 500,
      sort: "accountName",
      direction: "asc",
    }),
    refetchOnWindowFocus: false,
  });
  const [queue, setQueue] = useState<InvoiceRow[] | null>(null);
  // the queue is taken once, from the first answer: later refetches (after each action) must not reorder it
  if (queue === null && list.data) setQueue(list.data.rows);

  if (run.isError)
    return <ErrorState title="Could not load the billing run" error={run.error} onRetry={() => void run.refetch()} retrying={run.isFetching} />;
  if (list.isError && !queue)
    return (
      <ErrorState title="Could not load the invoices to review" error={list.error} onRetry={() => void list.refetch()} retrying={list.isFetching} />
    );
  if (!queue || !run.data) {
    return (
      <div className="grid grid-cols-1 gap-4" aria-busy aria-label="Loading">
        <Skeleton className="h-10 w-40" />
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-64 w-full rounded-xl" />
      </div>
    );
  }
  return <Queue runId={runId} runLabel={formatRunNumber(run.data.number)} queue={queue} />;
}

function Queue({ runId, runLabel, queue }: { runId: string; runLabel: string; queue: InvoiceRow[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = queue.map((row) => row.id);
  const [index, setIndex] = useState(0);
  const [reviewed, setReviewed] = useState<Record<string, ReviewOutcome>>({});
  const [pendingAction, setPendingAction] = useState<"REJECT" | "QUARANTINE" | null>(null);
  const current = queue[index];
  const invoice = useQuery({
    ...trpc.invoices.get.queryOptions({ id: current?.id ?? "" }),
    enabled: !!current,
  });
  const bulk = useToastingMutation(
    trpc.invoices.bulkAction.mutationOptions({
      onSettled: () =>
        Promise.all([queryClient.invalidateQueries(trpc.invoices.pathFilter()), queryClient.invalidateQueries(trpc.billingRuns.pathFilter())]),
    }),
    (v) => `${bulkActionLabel[v.action]} failed`,
  );
  const reviewedCount = Object.keys(reviewed).length;
  const allDone = queue.length > 0 && reviewedCount === queue.length;
  const available = invoice.data?.availableActions ?? [];
  const can = (action: ReviewOutcome) => !!invoice.data && !bulk.isPending && available.includes(action);

  function act(action: ReviewOutcome, reason?: string) {
    if (!current) return;
    const id = current.id;
    bulk.mutate(
      { runId, action, target: { ids: [id] }, reason },
      {
        onSuccess: (data) => {
          setPendingAction(null);
          const outcome = data.results[0];
          if (outcome?.outcome === "SKIPPED") {
            toast.warning(`${bulkActionLabel[action]} skipped`, {
              description: outcome.reason,
            });
            return;
          }
          toast.success(`${outcomeText[action]}: ${current.accountName}`);
          const next = { ...reviewed, [id]: action };
          setReviewed(next);
          const following = nextUnreviewed(ids, next, ids.indexOf(id));
          if (following !== null) setIndex(following);
        },
      },
    );
  }

  function run(command: ReviewCommand) {
    if (command === "next") setIndex((i) => (i + 1) % queue.length);
    else if (command === "previous") setIndex((i) => (i - 1 + queue.length) % queue.length);
    else if (!can(command)) return;
    else if (command === "VALIDATE") act("VALIDATE");
    else setPendingAction(command);
  }

  // the window's key listener calls the latest `run` (it sees this render's invoice and state)
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });
  const dialogOpen = pendingAction !== null;
  useEffect(() => {
    if (allDone) return;
    const onKey = (event: KeyboardEvent) => {
      const command = commandOf(event, dialogOpen || !!document.querySelector("[role=dialog],[role=alertdialog],[role=menu]"));
      if (!command) return;
      event.preventDefault();
      runRef.current(command);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [allDone, dialogOpen]);

  const back = (
    <Button asChild variant="ghost" className="-ml-2 max-md:h-11">
      <Link href={`/billing-runs/${runId}`}>
        <ArrowLeftIcon aria-hidden /> {runLabel}
      </Link>
    </Button>
  );

  if (queue.length === 0 || allDone) {
    const counts = Object.values(reviewed).reduce<Partial<Record<ReviewOutcome, number>>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
    return (
      <div className="grid grid-cols-1 gap-4">
        <div>{back}</div>
        <EmptyState
          icon={PartyPopperIcon}
          title={queue.length === 0 ? "Nothing to review" : `All ${queue.length} reviewed`}
          description={
            queue.length === 0
              ? "No invoice of this run is suspect or rejected."
              : (Object.keys(counts) as ReviewOutcome[]).map((o) => `${counts[o]} ${outcomeText[o].toLowerCase()}`).join(" · ")
          }
          action={
            <Button asChild className="max-md:h-11">
              <Link href={`/billing-runs/${runId}`}>Back to {runLabel}</Link>
            </Button>
          }
        />
        <p className="sr-only" role="status" data-testid="review-progress">
          {reviewedCount} of {queue.length} reviewed
        </p>
      </div>
    );
  }

  const outcome = current ? reviewed[current.id] : undefined;
  const detail = invoice.data;
  return (
    <div className="grid grid-cols-1 gap-4 pb-40 md:pb-8" data-testid="review-queue">
      <div className="flex flex-wrap items-center gap-2">
        {back}
        <h1 className="text-xl font-semibold tracking-tight">Review queue</h1>
        <span className="ml-auto text-sm font-medium tabular-nums" role="status" aria-live="polite" data-testid="review-progress">
          {reviewedCount} of {queue.length} reviewed
        </span>
      </div>
      <div className="h-1.5 w-full overflow-hidden rounded-full bg-muted" aria-hidden>
        <div
          className="h-full rounded-full bg-primary transition-[width] duration-300"
          style={{
            width: `${Math.round((reviewedCount / queue.length) * 100)}%`,
          }}
        />
      </div>

      <Card data-testid="review-card">
        <CardHeader className="grid grid-cols-1 gap-1">
          <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
            <span className="tabular-nums">
              {index + 1} / {queue.length}
            </span>
            {detail && <InvoiceStatusBadge status={detail.status} />}
            {outcome && <span className="font-medium text-foreground">{outcomeText[outcome]} here</span>}
          </div>
          <CardTitle className="text-lg" data-testid="review-account">
            {current.accountName}
          </CardTitle>
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <span className="text-2xl font-semibold tabular-nums" data-testid="review-total">
              {formatMoney(current.grossTotal, current.currency)}
            </span>
            <span className="text-sm text-muted-foreground tabular-nums">net {formatMoney(current.netTotal, current.currency)}</span>
          </div>
          {detail?.buyer && (
            <p className="text-sm text-muted-foreground">
              {[detail.buyer.city, detail.buyer.country].filter(Boolean).join(", ")}
              {detail.buyer.vatId ? ` · VAT ${detail.buyer.vatId}` : ""}
            </p>
          )}
          {detail?.reason && <p className="text-sm">Reason: {detail.reason}</p>}
        </CardHeader>
        <CardContent className="grid grid-cols-1 gap-3">
          <Button asChild variant="link" className="h-11 justify-self-start px-0">
            <Link href={`/billing-runs/${runId}/invoices/${current.id}`}>
              <ExternalLinkIcon aria-hidden /> Open the invoice
            </Link>
          </Button>
        </CardContent>
      </Card>

      {invoice.isError ? (
        <ErrorState title="Could not load the invoice" error={invoice.error} onRetry={() => void invoice.refetch()} retrying={invoice.isFetching} />
      ) : detail ? (
        <InvoiceReviewCard invoice={detail} />
      ) : (
        <Skeleton className="h-48 w-full rounded-xl" />
      )}

      <p className="hidden text-sm text-muted-foreground md:block" data-testid="review-shortcuts">
        Keyboard:{" "}
        {SHORTCUTS.map((s, i) => (
          <span key={s.key}>
            {i > 0 && " · "}
            <kbd className="rounded border bg-muted px-1.5 font-mono text-xs">{s.key}</kbd> {s.label}
          </span>
        ))}
      </p>

      <div
        role="toolbar"
        aria-label="Review actions"
        className="fixed inset-x-0 bottom-0 z-20 grid grid-cols-3 gap-2 border-t bg-background/95 p-3 backdrop-blur md:static md:flex md:flex-wrap md:border-0 md:bg-transparent md:p-0"
      >
        <Button className="h-11" disabled={!can("VALIDATE")} onClick={() => run("VALIDATE")} aria-keyshortcuts="v">
          <CheckCheckIcon aria-hidden /> Validate
        </Button>
        <Button
          variant="outline"
          className="h-11 text-destructive hover:text-destructive"
          disabled={!can("REJECT")}
          onClick={() => run("REJECT")}
          aria-keyshortcuts="r"
        >
          <XCircleIcon aria-hidden className="max-sm:hidden" /> Reject
        </Button>
        <Button variant="outline" className="h-11" disabled={!can("QUARANTINE")} onClick={() => run("QUARANTINE")} aria-keyshortcuts="q">
          <ShieldAlertIcon aria-hidden className="max-sm:hidden" /> Quarantine
        </Button>
        <div className="col-span-3 grid grid-cols-2 gap-2 md:ml-auto md:flex">
          <Button variant="outline" className="h-11" onClick={() => run("previous")} aria-keyshortcuts="k">
            <ChevronLeftIcon aria-hidden /> Previous
          </Button>
          <Button variant="outline" className="h-11" onClick={() => run("next")} aria-keyshortcuts="j">
            Next <ChevronRightIcon aria-hidden />
          </Button>
        </div>
      </div>

      <BulkActionDialog
        action={pendingAction}
        targetLabel={`the invoice of ${current.accountName}`}
        pending={bulk.isPending}
        onOpenChange={(open) => !open && setPendingAction(null)}
        onConfirm={({ reason }) => pendingAction && act(pendingAction, reason)}
      />
    </div>
  );
}
