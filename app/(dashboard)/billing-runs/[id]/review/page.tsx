import type { Metadata } from "next";
import { connection } from "next/server";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc/server";
import { getSession } from "@/app/(dashboard)/session";
import { ReviewQueue } from "./_components/review-queue";

export const metadata: Metadata = { title: "Review queue" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ReviewQueuePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  if (UUID.test(id) && (await getSession())) await getQueryClient().prefetchQuery(trpc.billingRuns.get.queryOptions({ id }));
  return (
    <HydrateClient>
      <ReviewQueue runId={id} />
    </HydrateClient>
  );
}
