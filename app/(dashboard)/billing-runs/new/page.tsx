import { ChevronLeftIcon } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { PageHeader } from "@/components/app-shell/page-header";
import { Button } from "@/components/ui/button";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc/server";
import { getSession } from "@/app/(dashboard)/session";
import { NewRunForm } from "./_components/new-run-form";

export const metadata: Metadata = { title: "New billing run" };

export default async function NewBillingRunPage() {
  await connection();
  if (await getSession()) await getQueryClient().prefetchQuery(trpc.billingRuns.formOptions.queryOptions());
  return (
    <div className="mx-auto grid w-full max-w-3xl gap-4 sm:gap-6">
      <div>
        <Button asChild variant="ghost" size="sm" className="-ml-2">
          <Link href="/billing-runs">
            <ChevronLeftIcon aria-hidden /> Billing runs
          </Link>
        </Button>
      </div>
      <PageHeader title="New billing run" description="Choose what to bill and how; the run starts as New and is processed from its page." />
      <HydrateClient>
        <NewRunForm />
      </HydrateClient>
    </div>
  );
}
