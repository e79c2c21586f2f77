import type { Metadata } from "next";
import { connection } from "next/server";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc/server";
import { getSession } from "@/app/(dashboard)/session";
import { RunDetails } from "./_components/run-details";

export const metadata: Metadata = { title: "Billing run" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function BillingRunPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  if (UUID.test(id) && (await getSession())) {
    const queryClient = getQueryClient();
    await Promise.all([
      queryClient.prefetchQuery(trpc.billingRuns.get.queryOptions({ id })),
      queryClient.prefetchQuery(trpc.billingRuns.executions.queryOptions({ id })),
    ]);
  }
  return (
    <HydrateClient>
      <RunDetails id={id} />
    </HydrateClient>
  );
}
