"use client";

import { useQuery } from "@tanstack/react-query";
import { CalendarClockIcon } from "lucide-react";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Skeleton } from "@/components/ui/skeleton";
import { ScheduleEditor } from "./schedule-editor";

export function ScheduleList() {
  const trpc = useTRPC();
  const list = useQuery(trpc.schedules.list.queryOptions());
  if (list.isPending) return <Skeleton className="h-64 w-full" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} retrying={list.isFetching} />;
  if (!list.data.length) return <EmptyState icon={CalendarClockIcon} title="No billing cycles" description="Schedules belong to active billing cycles." />;
  return (
    <div className="grid grid-cols-1 gap-4">
      {list.data.map((cycle) => (
        <ScheduleEditor key={`${cycle.billingCycleId}-${cycle.schedule?.updatedAt ?? "new"}`} cycle={cycle} />
      ))}
    </div>
  );
}
