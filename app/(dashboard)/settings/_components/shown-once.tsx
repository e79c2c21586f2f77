"use client";

import { CheckIcon, CopyIcon } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";

/** A secret that is shown only once (API key, webhook secret), with a copy button. */
export function ShownOnce({ title, value, onClose, children }: { title: string; value: string | null; onClose: () => void; children?: React.ReactNode }) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog
      open={value !== null}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(false);
          onClose();
        }
      }}
    >
      <DialogContent className="max-w-[calc(100vw-2rem)] sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>Copy it now: it is shown only this once and cannot be displayed again.</DialogDescription>
        </DialogHeader>
        <code className="block rounded-md border bg-muted px-3 py-2 font-mono text-xs break-all select-all" data-testid="shown-once-value">
          {value}
        </code>
        {children}
        <DialogFooter>
          <Button
            variant="outline"
            onClick={async () => {
              await navigator.clipboard?.writeText(value ?? "");
              setCopied(true);
            }}
          >
            {copied ? <CheckIcon aria-hidden /> : <CopyIcon aria-hidden />} {copied ? "Copied" : "Copy"}
          </Button>
          <Button onClick={onClose}>Done</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

export { errorMessage } from "@/lib/error-data";
