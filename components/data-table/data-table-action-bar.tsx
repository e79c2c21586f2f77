"use client";

import { XIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { formatCount } from "@/lib/format";

/** Floating bar for the selected rows' bulk actions; stays reachable on a phone above the fold. */
export function DataTableActionBar({
  count,
  label,
  onClear,
  children,
}: {
  count: number;
  label?: string;
  onClear: () => void;
  children: React.ReactNode;
}) {
  if (count === 0) return null;
  return (
    <div
      role="toolbar"
      aria-label="Selection actions"
      className="fixed inset-x-2 bottom-2 z-40 mx-auto grid max-w-3xl gap-2 rounded-xl border bg-background/95 p-2 shadow-lg backdrop-blur sm:bottom-4 sm:flex sm:items-center"
    >
      <div className="flex items-center gap-1 pl-1 text-sm font-medium">
        <Button variant="ghost" size="icon-sm" aria-label="Clear selection" onClick={onClear}>
          <XIcon />
        </Button>
        <span data-testid="selection-count">{label ?? `${formatCount(count)} selected`}</span>
      </div>
      <div className="grid grid-cols-2 gap-2 sm:ml-auto sm:flex sm:items-center">{children}</div>
    </div>
  );
}
