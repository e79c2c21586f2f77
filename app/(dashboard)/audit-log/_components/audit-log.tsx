"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ScrollTextIcon } from "lucide-react";
import { useState } from "react";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { AUDIT_PAGE_SIZE, AuditFilters, type AuditFilter } from "./audit-filters";
import { AuditEntry } from "./audit-entry";

/** The audit log, newest first, filtered; paged by keyset (older / newer). */
export function AuditLog() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<AuditFilter>({});
  // the beforeId of every page shown so far (the first page has none)
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  const beforeId = pages[pages.length - 1];
  const { actorName: _label, ...query } = filter;
  const list = useQuery({ ...trpc.review.audit.list.queryOptions({ ...query, beforeId, pageSize: AUDIT_PAGE_SIZE }), placeholderData: keepPreviousData });
  const change = (next: AuditFilter) => {
    setFilter(next);
    setPages([undefined]);
  };
  return (
    <div className="grid grid-cols-1 gap-4">
      <AuditFilters filter={filter} onChange={change} />
      {list.isPending ? (
        <Skeleton className="h-64 w-full" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} retrying={list.isFetching} />
      ) : !list.data.rows.length ? (
        <EmptyState icon={ScrollTextIcon} title="No entries" description="Nothing matches these filters." />
      ) : (
        <>
          <ol className="grid grid-cols-1 divide-y rounded-lg border" data-testid="audit-log">
            {list.data.rows.map((row) => (
              <AuditEntry key={row.id} row={row} onActor={(actorId, actorName) => change({ ...filter, actorId, actorName })} />
            ))}
          </ol>
          <div className="flex items-center justify-end gap-2 text-sm">
            <Button variant="outline" className="min-h-11" disabled={pages.length <= 1} onClick={() => setPages((p) => p.slice(0, -1))}>
              Newer
            </Button>
            <span>Page {pages.length}</span>
            <Button
              variant="outline"
              className="min-h-11"
              disabled={list.data.nextBeforeId === null}
              onClick={() => list.data.nextBeforeId !== null && setPages((p) => [...p, list.data.nextBeforeId!])}
            >
              Older
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
