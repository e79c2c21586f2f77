"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc-provider";
import { RUNNING_STATUSES } from "@/lib/billing-values";
import type { RunDetail } from "./types";

export const POLL_MS = 1500;

/** True while a background job works on the run: the page polls the run and its executions then. */
export function isRunBusy(run: RunDetail | undefined): boolean {
  if (!run) return false;
  return RUNNING_STATUSES.includes(run.status) || !!run.runningJob;
}

export function useRun(id: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.billingRuns.get.queryOptions({ id }),
    refetchInterval: (query) => (isRunBusy(query.state.data) ? POLL_MS : false),
  });
}

export function useExecutions(id: string, busy: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.billingRuns.executions.queryOptions({ id }),
    refetchInterval: (query) => (busy || query.state.data?.some((e) => e.status === "RUNNING") ? POLL_MS : false),
  });
}
