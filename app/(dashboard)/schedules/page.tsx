import type { Metadata } from "next";
import { connection } from "next/server";
import { PageHeader } from "@/components/app-shell/page-header";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/server";
import { ScheduleList } from "./_components/schedule-list";

export const metadata: Metadata = { title: "Schedules" };

export default async function SchedulesPage() {
  await connection();
  await prefetch(trpc.schedules.list.queryOptions());
  return (
    <div className="grid grid-cols-1 gap-6">
      <PageHeader
        title="Schedules"
        description="A billing cycle with a schedule gets its run every month, created (and processed) automatically — once per month, also after downtime."
      />
      <HydrateClient>
        <ScheduleList />
      </HydrateClient>
    </div>
  );
}
