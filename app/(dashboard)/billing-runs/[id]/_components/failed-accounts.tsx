"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Loader2Icon, RotateCcwIcon, UsersIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCount, formatDateTime, humanize } from "@/lib/format";
import { ConfirmDialog } from "./confirm-dialog";
import type { RunDetail } from "./types";

/** Failed accounts or subscriptions of a run (per-account failures never fail the run), with Retry failed. */
export function FailedAccounts({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const failures = useQuery(trpc.billingRuns.failures.queryOptions({ id: run.id }));
  const [confirm, setConfirm] = useState(false);
  const retry = useToastingMutation(
    trpc.billingRuns.retryFailed.mutationOptions({
      onSuccess: async (created) => {
        setConfirm(false);
        toast.success("A new exceptional run was created for the failed accounts");
        await queryClient.invalidateQueries(trpc.billingRuns.pathFilter());
        router.push(`/billing-runs/${created.id}`);
      },
    }),
    "Retry failed",
  );
  const canRetry = run.availableActions.includes("RETRY_FAILED");

  if (failures.isPending) return <Skeleton className="h-32 w-full" />;
  if (failures.isError)
    return <ErrorState title="Could not load the failures" error={failures.error} onRetry={() => void failures.refetch()} />;
  if (failures.data.length === 0) return <EmptyState icon={UsersIcon} title="No failed accounts" className="py-8" />;

  const accounts = new Set(failures.data.map((f) => f.accountId)).size;
  return (
    <div className="grid grid-cols-1 gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-muted-foreground">
          {formatCount(accounts)} account{accounts === 1 ? "" : "s"} could not be billed; their rated items stay open.
        </p>
        {canRetry && (
          <Button onClick={() => setConfirm(true)} disabled={retry.isPending}>
            {retry.isPending ? <Loader2Icon className="animate-spin" aria-hidden /> : <RotateCcwIcon aria-hidden />}
            Retry failed
          </Button>
        )}
      </div>
      <div className="hidden overflow-hidden rounded-lg border md:block">
        <Table>
          <TableHeader className="bg-muted/40">
            <TableRow className="hover:bg-transparent">
              <TableHead>Account</TableHead>
              <TableHead>Subscription</TableHead>
              <TableHead>Step</TableHead>
              <TableHead>Reason</TableHead>
              <TableHead>When</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {failures.data.map((f) => (
              <TableRow key={`${f.accountId}-${f.subscriptionId ?? ""}-${f.step}`} data-testid="failure-row">
                <TableCell className="font-medium">{f.accountName}</TableCell>
                <TableCell>{f.subscriptionName ?? <span className="text-muted-foreground">—</span>}</TableCell>
                <TableCell>
                  <Badge variant="outline">{humanize(f.step)}</Badge>
                </TableCell>
                <TableCell className="whitespace-normal text-destructive">{f.reason}</TableCell>
                <TableCell>{formatDateTime(f.createdAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <ul className="grid grid-cols-1 gap-2 md:hidden">
        {failures.data.map((f) => (
          <li key={`${f.accountId}-${f.subscriptionId ?? ""}-${f.step}`} className="grid grid-cols-1 gap-1 rounded-lg border p-3 text-sm">
            <div className="flex items-center justify-between gap-2">
              <span className="font-medium">{f.accountName}</span>
              <Badge variant="outline">{humanize(f.step)}</Badge>
            </div>
            {f.subscriptionName && <span className="text-muted-foreground">{f.subscriptionName}</span>}
            <span className="text-destructive">{f.reason}</span>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Retry failed accounts?"
        description={<p>A new exceptional billing run is created for exactly these accounts. Fix their data first if needed.</p>}
        confirmLabel="Create retry run"
        pending={retry.isPending}
        onConfirm={() => retry.mutate({ id: run.id })}
      />
    </div>
  );
}
