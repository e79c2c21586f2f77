import { FlaskConicalIcon } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

/** A NEW run's "Simulate": the report of what Process would produce (app/(dashboard)/billing-runs/simulation). */
export function SimulateLink({ runId }: { runId: string }) {
  return (
    <Button asChild variant="outline" className="min-h-11 md:min-h-9">
      <Link href={`/billing-runs/simulation?run=${runId}`}>
        <FlaskConicalIcon aria-hidden /> Simulate
      </Link>
    </Button>
  );
}
