"use client";

import { Loader2Icon } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { cn } from "@/lib/utils";

export type ItemsChoice = "REOPEN" | "CANCEL";

const choices: { value: ItemsChoice; title: string; text: string }[] = [
  { value: "REOPEN", title: "Re-open rated items", text: "They become open again and can be billed by a future run." },
  { value: "CANCEL", title: "Cancel rated items", text: "They are canceled and will never be invoiced." },
];

/** What to do with the rated items: asked when canceling a run, and when canceling invoices in bulk. */
export function ItemsChoiceField({ value, onChange, name }: { value: ItemsChoice; onChange: (v: ItemsChoice) => void; name: string }) {
  return (
    <div role="radiogroup" aria-label="Rated items" className="grid grid-cols-1 gap-2">
      {choices.map((choice) => (
        <label
          key={choice.value}
          className={cn(
            "flex min-h-11 cursor-pointer items-start gap-3 rounded-md border p-3 text-sm transition-colors has-[:focus-visible]:ring-[3px] has-[:focus-visible]:ring-ring/50",
            value === choice.value ? "border-primary bg-primary/5" : "hover:bg-accent",
          )}
        >
          <input
            type="radio"
            name={name}
            value={choice.value}
            checked={value === choice.value}
            onChange={() => onChange(choice.value)}
            className="mt-0.5 size-4 accent-[var(--primary)]"
          />
          <span className="grid grid-cols-1 gap-0.5">
            <span className="font-medium">{choice.title}</span>
            <span className="text-muted-foreground">{choice.text}</span>
          </span>
        </label>
      ))}
    </div>
  );
}

export function CancelRunDialog({
  open,
  onOpenChange,
  runLabel,
  pending,
  onConfirm,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  runLabel: string;
  pending: boolean;
  onConfirm: (items: ItemsChoice) => void;
}) {
  const [items, setItems] = useState<ItemsChoice>("REOPEN");
  return (
    <Dialog open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Cancel billing run {runLabel}?</DialogTitle>
          <DialogDescription>Its lines and draft invoices are removed. Choose what happens to its rated items.</DialogDescription>
        </DialogHeader>
        <ItemsChoiceField name="cancel-run-items" value={items} onChange={setItems} />
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)} disabled={pending}>
            Keep the run
          </Button>
          <Button variant="destructive" onClick={() => onConfirm(items)} disabled={pending}>
            {pending && <Loader2Icon className="animate-spin" aria-hidden />}
            Cancel billing run
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
