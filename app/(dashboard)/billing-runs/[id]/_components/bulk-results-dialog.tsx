"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { formatCount } from "@/lib/format";
import { bulkActionLabel } from "./bulk-action-dialog";
import type { BulkAction, BulkResult } from "./types";

/** Per-invoice outcome of a bulk action: done, or skipped with the reason. */
export function BulkResultsDialog({
  result,
  onClose,
}: {
  result: { action: BulkAction; data: BulkResult } | null;
  onClose: () => void;
}) {
  if (!result) return null;
  const { results, accountNames, quarantineRunId } = result.data;
  const done = results.filter((r) => r.outcome === "DONE").length;
  const skipped = results.length - done;
  const sorted = [...results].sort((a, b) => (a.outcome === b.outcome ? 0 : a.outcome === "SKIPPED" ? -1 : 1));
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>{bulkActionLabel[result.action]}: results</DialogTitle>
          <DialogDescription data-testid="bulk-summary">
            {formatCount(done)} done · {formatCount(skipped)} skipped
          </DialogDescription>
        </DialogHeader>
        <ul className="max-h-[50dvh] divide-y overflow-y-auto rounded-md border text-sm" aria-label="Results per invoice">
          {sorted.map((r) => (
            <li key={r.invoiceId} className="flex items-start justify-between gap-3 px-3 py-2" data-testid="bulk-result">
              <div className="grid min-w-0 gap-0.5">
                <span className="truncate font-medium">{resultLabel(r, accountNames[r.invoiceId])}</span>
                {r.reason && <span className="text-muted-foreground">{r.reason}</span>}
              </div>
              <Badge variant={r.outcome === "DONE" ? "success" : "warning"}>{r.outcome === "DONE" ? "Done" : "Skipped"}</Badge>
            </li>
          ))}
        </ul>
        <DialogFooter>
          {quarantineRunId && (
            <Button asChild variant="outline">
              <Link href={`/billing-runs/${quarantineRunId}`}>Open quarantine run</Link>
            </Button>
          )}
          <Button onClick={onClose}>Close</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** "INV-2026-000042 · Acme GmbH", "Acme GmbH" for a draft; an id that is not an invoice of the run stays whole. */
function resultLabel(r: BulkResult["results"][number], accountName: string | undefined): string {
  if (!accountName) return r.number ?? `Invoice ${r.invoiceId}`;
  return r.number ? `${r.number} · ${accountName}` : accountName;
}
