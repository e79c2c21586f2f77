import "server-only";

import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache } from "react";
import { makeQueryClient } from "@/components/providers/query-client";
import { createTrpcContext } from "./init";
import { appRouter } from "./routers/_app";

export const getQueryClient = cache(makeQueryClient);

const createContext = cache(async () => createTrpcContext({ headers: await headers() }));

/** Server components: `trpc.billingRuns.list.queryOptions(...)` with prefetch + HydrateClient. */
export const trpc = createTRPCOptionsProxy({ ctx: createContext, router: appRouter, queryClient: getQueryClient });

export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

/**
 * Prefetches a query for HydrateClient; await it (several at once with Promise.all). A query still pending when the page
 * is dehydrated renders the client component's loading state on the server, and if the client already holds the
 * answer when it hydrates it renders the data instead: a hydration mismatch (React #418, seen on /outbox).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(queryOptions: T): Promise<void> {
  return getQueryClient().prefetchQuery(queryOptions);
}
