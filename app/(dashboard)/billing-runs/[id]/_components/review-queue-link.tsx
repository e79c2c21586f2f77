import { ListChecksIcon } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import type { RunDetail } from "./types";

/** The way into the one-card-at-a-time review of the run's suspect and rejected invoices (shown only while there are some). */
export function ReviewQueueLink({ run }: { run: RunDetail }) {
  const toReview = run.invoiceCounts.suspect + run.invoiceCounts.rejected;
  if (!toReview || !["DRAFTS_READY", "AWAITING_APPROVAL"].includes(run.status)) return null;
  return (
    <Button asChild variant="outline" className="justify-self-start max-md:h-11" data-testid="review-queue-link">
      <Link href={`/billing-runs/${run.id}/review`}>
        <ListChecksIcon aria-hidden /> Review {toReview} flagged {toReview === 1 ? "invoice" : "invoices"}
      </Link>
    </Button>
  );
}
