"use client";

import { useQuery } from "@tanstack/react-query";
import { InboxIcon, PaperclipIcon } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDateTime } from "@/lib/format";
import { formatRunNumber } from "@/lib/run-number";

const statusBadge: Record<string, { label: string; variant: BadgeVariant }> = {
  OUTBOX: { label: "In outbox", variant: "info" },
  PENDING: { label: "Sending", variant: "warning" },
  SENT: { label: "Sent", variant: "success" },
  FAILED: { label: "Failed", variant: "destructive" },
};

const pageSize = 20;

export function OutboxList() {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const [previewId, setPreviewId] = useState<string | null>(null);
  const list = useQuery(trpc.outbox.list.queryOptions({ page, pageSize }));

  if (list.isPending) return <Skeleton className="h-64 w-full" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} retrying={list.isFetching} />;
  if (!list.data.rows.length) {
    return <EmptyState icon={InboxIcon} title="No e-mails yet" description="Run notifications and invoice e-mails appear here." />;
  }
  const pages = Math.max(1, Math.ceil(list.data.total / pageSize));
  return (
    <div className="grid grid-cols-1 gap-3">
      <ul className="grid grid-cols-1 divide-y rounded-lg border" data-testid="outbox-list">
        {list.data.rows.map((row) => {
          const badge = statusBadge[row.status] ?? { label: row.status, variant: "muted" as const };
          return (
            <li key={row.id} className="flex flex-col gap-2 p-3 sm:flex-row sm:items-center sm:gap-4">
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium">{row.subject}</p>
                <p className="truncate text-sm text-muted-foreground">To {row.to.join(", ")}</p>
                <p className="text-xs text-muted-foreground">
                  {formatDateTime(row.createdAt)}
                  {row.billingRunId && row.billingRunNumber != null && (
                    <>
                      {" · "}
                      <Link className="underline underline-offset-2" href={`/billing-runs/${row.billingRunId}`}>
                        {formatRunNumber(row.billingRunNumber)}
                      </Link>
                    </>
                  )}
                  {row.attachments.length > 0 && (
                    <span className="ml-2 inline-flex items-center gap-1">
                      <PaperclipIcon className="size-3" aria-hidden /> {row.attachments.map((a) => a.fileName).join(", ")}
                    </span>
                  )}
                </p>
                {row.error && <p className="text-sm break-words text-destructive">{row.error}</p>}
              </div>
              <div className="flex items-center gap-2">
                <Badge variant={badge.variant}>{badge.label}</Badge>
                <Button variant="outline" className="min-h-11" onClick={() => setPreviewId(row.id)}>
                  Preview
                </Button>
              </div>
            </li>
          );
        })}
      </ul>
      {pages > 1 && (
        <div className="flex items-center justify-end gap-2 text-sm">
          <Button variant="outline" className="min-h-11" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </Button>
          <span>
            Page {page} / {pages}
          </span>
          <Button variant="outline" className="min-h-11" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Next
          </Button>
        </div>
      )}
      <Dialog open={previewId !== null} onOpenChange={(open) => !open && setPreviewId(null)}>
        <DialogContent className="max-w-3xl">{previewId && <OutboxPreview id={previewId} />}</DialogContent>
      </Dialog>
    </div>
  );
}

function OutboxPreview({ id }: { id: string }) {
  const trpc = useTRPC();
  const message = useQuery(trpc.outbox.get.queryOptions({ id }));
  return (
    <>
      <DialogHeader>
        <DialogTitle>{message.data?.subject ?? "E-mail"}</DialogTitle>
        <DialogDescription>{message.data ? `To ${message.data.to.join(", ")}` : "Loading…"}</DialogDescription>
      </DialogHeader>
      {message.isError && <ErrorState error={message.error} onRetry={() => message.refetch()} />}
      {message.data && (
        // sandboxed: e-mail HTML never runs scripts or reaches the app's origin
        <iframe title="E-mail preview" sandbox="" srcDoc={message.data.html} className="h-[60vh] w-full rounded-md border bg-white" />
      )}
    </>
  );
}
