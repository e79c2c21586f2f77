"use client";

import { XIcon } from "lucide-react";
import { Button } from "@/components/ui/button";

/** Filter controls on the left, a reset button when something is filtered, extra actions on the right. */
export function DataTableToolbar({
  children,
  isFiltered,
  onReset,
  actions,
}: {
  children: React.ReactNode;
  isFiltered: boolean;
  onReset: () => void;
  actions?: React.ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <div className="flex flex-1 flex-wrap items-center gap-2">
        {children}
        {isFiltered && (
          <Button variant="ghost" size="sm" onClick={onReset}>
            Reset <XIcon aria-hidden />
          </Button>
        )}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}
