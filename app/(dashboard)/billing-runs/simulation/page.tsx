import { ChevronLeftIcon } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/app-shell/page-header";
import { Button } from "@/components/ui/button";
import { SimulationReport } from "./_components/simulation-report";
import { simulationTarget } from "./simulation-params";

export const metadata: Metadata = { title: "Run simulation" };

export default async function SimulationPage({ searchParams }: { searchParams: Promise<{ run?: string; input?: string }> }) {
  const params = await searchParams;
  const target = simulationTarget(params);
  return (
    <div className="mx-auto grid w-full max-w-5xl gap-4 sm:gap-6">
      <div>
        <Button asChild variant="ghost" size="sm" className="-ml-2 min-h-11 md:min-h-8">
          <Link href={target && "run" in target ? `/billing-runs/${target.run}` : "/billing-runs/new"}>
            <ChevronLeftIcon aria-hidden /> {target && "run" in target ? "Billing run" : "New billing run"}
          </Link>
        </Button>
      </div>
      <PageHeader
        title="Run simulation"
        description="What Process would produce — totals, VAT, the change against each account's previous posted invoice and the review findings — computed without claiming an item or writing an invoice."
      />
      {target ? (
        <SimulationReport target={target} />
      ) : (
        <p role="alert" className="text-sm text-destructive">
          Nothing to simulate: open this page from a new run or from the new-run form.
        </p>
      )}
    </div>
  );
}
