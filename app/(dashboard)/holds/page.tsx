import type { Metadata } from "next";
import { connection } from "next/server";
import { PageHeader } from "@/components/app-shell/page-header";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/server";
import { HoldsManager } from "./_components/holds-manager";

export const metadata: Metadata = { title: "Holds" };

export default async function HoldsPage() {
  await connection();
  await prefetch(trpc.review.holds.list.queryOptions({}));
  return (
    <div className="grid grid-cols-1 gap-6">
      <PageHeader
        title="Account holds"
        description="Runs skip an account on hold; its items stay open and the first run after the hold ends bills them."
      />
      <HydrateClient>
        <HoldsManager />
      </HydrateClient>
    </div>
  );
}
