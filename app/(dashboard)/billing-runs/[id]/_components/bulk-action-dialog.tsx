"use client";

import { Loader2Icon } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { ItemsChoiceField, type ItemsChoice } from "./cancel-run-dialog";
import type { BulkAction } from "./types";

export const bulkActionLabel: Record<BulkAction, string> = {
  VALIDATE: "Validate",
  QUARANTINE: "Quarantine",
  REJECT: "Reject",
  CANCEL: "Cancel",
};

const explanation: Record<BulkAction, string> = {
  VALIDATE: "Suspect and rejected invoices go back to draft and will be posted with the run.",
  QUARANTINE: "The invoices move to this run's quarantine run (created on demand), to be reviewed and posted on their own.",
  REJECT: "Rejected invoices block posting until they are validated, quarantined or canceled.",
  CANCEL: "The invoices are canceled. Choose what happens to their rated items.",
};

export function BulkActionDialog({
  action,
  targetLabel,
  pending,
  onOpenChange,
  onConfirm,
}: {
  action: BulkAction | null;
  /** e.g. "3 selected invoices" or "all 42 invoices matching the filter" */
  targetLabel: string;
  pending: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: (options: { reason?: string; items?: ItemsChoice }) => void;
}) {
  if (!action) return null;
  return (
    <Dialog open onOpenChange={(open) => !pending && onOpenChange(open)}>
      <DialogContent>
        {/* Keyed by action: every opening starts with an empty form. */}
        <BulkActionForm key={action} action={action} targetLabel={targetLabel} pending={pending} onBack={() => onOpenChange(false)} onConfirm={onConfirm} />
      </DialogContent>
    </Dialog>
  );
}

function BulkActionForm({
  action,
  targetLabel,
  pending,
  onBack,
  onConfirm,
}: {
  action: BulkAction;
  targetLabel: string;
  pending: boolean;
  onBack: () => void;
  onConfirm: (options: { reason?: string; items?: ItemsChoice }) => void;
}) {
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [items, setItems] = useState<ItemsChoice>("REOPEN");
  const label = bulkActionLabel[action];

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (action === "REJECT" && !reason.trim()) {
      setReasonError("A rejection needs a reason");
      return;
    }
    onConfirm({ reason: reason.trim() || undefined, items: action === "CANCEL" ? items : undefined });
  }

  return (
    <form onSubmit={submit} className="grid grid-cols-1 gap-4" noValidate>
      <DialogHeader>
        <DialogTitle>
          {label} {targetLabel}?
        </DialogTitle>
        <DialogDescription>{explanation[action]}</DialogDescription>
      </DialogHeader>
      {(action === "REJECT" || action === "QUARANTINE") && (
        <div className="grid grid-cols-1 gap-2">
          <Label htmlFor="bulk-reason">Reason{action === "QUARANTINE" ? " (optional)" : ""}</Label>
          <Textarea
            id="bulk-reason"
            value={reason}
            autoFocus
            rows={3}
            maxLength={1000}
            aria-invalid={!!reasonError}
            aria-describedby={reasonError ? "bulk-reason-error" : undefined}
            onChange={(event) => {
              setReason(event.target.value);
              setReasonError(null);
            }}
          />
          {reasonError && (
            <p id="bulk-reason-error" role="alert" className="text-sm text-destructive">
              {reasonError}
            </p>
          )}
        </div>
      )}
      {action === "CANCEL" && <ItemsChoiceField name="bulk-cancel-items" value={items} onChange={setItems} />}
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onBack} disabled={pending}>
          Back
        </Button>
        <Button type="submit" variant={action === "CANCEL" || action === "REJECT" ? "destructive" : "default"} disabled={pending}>
          {pending && <Loader2Icon className="animate-spin" aria-hidden />}
          {label}
        </Button>
      </DialogFooter>
    </form>
  );
}
