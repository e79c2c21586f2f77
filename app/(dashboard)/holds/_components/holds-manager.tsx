"use client";

import { useQuery } from "@tanstack/react-query";
import { PauseCircleIcon } from "lucide-react";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Skeleton } from "@/components/ui/skeleton";
import { HoldRow } from "./hold-row";
import { PlaceHoldForm } from "./place-hold-form";

export function HoldsManager() {
  const trpc = useTRPC();
  const holds = useQuery(trpc.review.holds.list.queryOptions({}));
  return (
    <div className="grid grid-cols-1 gap-6">
      <PlaceHoldForm />
      <section className="grid gap-3" aria-labelledby="holds-heading">
        <h2 id="holds-heading" className="text-lg font-semibold">
          Holds
        </h2>
        {holds.isPending ? (
          <Skeleton className="h-40 w-full" />
        ) : holds.isError ? (
          <ErrorState error={holds.error} onRetry={() => holds.refetch()} retrying={holds.isFetching} />
        ) : !holds.data.length ? (
          <EmptyState icon={PauseCircleIcon} title="No account is on hold" description="Put an account on hold above to leave it out of the next runs." />
        ) : (
          <ul className="grid grid-cols-1 divide-y rounded-lg border" data-testid="holds-list">
            {holds.data.map((hold) => (
              <HoldRow key={hold.id} hold={hold} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
