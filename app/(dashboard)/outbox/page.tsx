import type { Metadata } from "next";
import { connection } from "next/server";
import { PageHeader } from "@/components/app-shell/page-header";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/server";
import { OutboxList } from "./_components/outbox-list";

export const metadata: Metadata = { title: "Outbox" };

export default async function OutboxPage() {
  await connection();
  await prefetch(trpc.outbox.list.queryOptions({ page: 1, pageSize: 20 }));
  return (
    <div className="grid grid-cols-1 gap-6">
      <PageHeader
        title="Outbox"
        description="Every e-mail Billrun sends. Without a Resend key they stay here (In outbox) instead of being delivered."
      />
      <HydrateClient>
        <OutboxList />
      </HydrateClient>
    </div>
  );
}
