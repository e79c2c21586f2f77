import { PlusIcon } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { SearchParams } from "nuqs/server";
import { PageHeader } from "@/components/app-shell/page-header";
import { Button } from "@/components/ui/button";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc/server";
import { getSession } from "@/app/(dashboard)/session";
import { RunsTable } from "./_components/runs-table";
import { runsSearchCache, toRunListInput } from "./_components/search-params";

export const metadata: Metadata = { title: "Billing runs" };

export default async function BillingRunsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await connection();
  const search = await runsSearchCache.parse(searchParams);
  if (await getSession()) await getQueryClient().prefetchQuery(trpc.billingRuns.list.queryOptions(toRunListInput(search)));
  return (
    <div className="grid grid-cols-1 gap-4 sm:gap-6">
      <PageHeader
        title="Billing runs"
        description="Turn open rated items into invoices: process, review, post."
        actions={
          <Button asChild>
            <Link href="/billing-runs/new">
              <PlusIcon aria-hidden /> New billing run
            </Link>
          </Button>
        }
      />
      <HydrateClient>
        <RunsTable />
      </HydrateClient>
    </div>
  );
}
