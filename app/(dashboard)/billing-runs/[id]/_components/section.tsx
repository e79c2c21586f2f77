"use client";

import { ChevronDownIcon } from "lucide-react";
import { useState } from "react";
import { Collapsible, CollapsibleContent, CollapsibleTrigger } from "@/components/ui/collapsible";
import { cn } from "@/lib/utils";

/**
 * One foldable section of the run details page. `status` stays visible when folded (e.g. the execution
 * report's running / error indicator); `folded` is shown only while folded; `aside` sits in the header
 * outside the toggle so it can hold its own controls.
 */
export function Section({
  id,
  index,
  title,
  status,
  folded,
  aside,
  defaultOpen = true,
  children,
}: {
  id: string;
  index: number;
  title: string;
  status?: React.ReactNode;
  folded?: React.ReactNode;
  aside?: React.ReactNode;
  defaultOpen?: boolean;
  children: React.ReactNode;
}) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <Collapsible open={open} onOpenChange={setOpen} asChild>
      <section aria-labelledby={`${id}-title`} data-testid={`section-${id}`} className="rounded-xl border bg-card text-card-foreground shadow-xs">
        <div className="flex flex-wrap items-center gap-2 px-3 py-2 sm:px-4">
          <CollapsibleTrigger
            className="-ml-1 flex min-h-11 min-w-0 flex-1 items-center gap-2 rounded-md px-1 text-left outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
            aria-controls={`${id}-content`}
          >
            <ChevronDownIcon className={cn("size-4 shrink-0 transition-transform", !open && "-rotate-90")} aria-hidden />
            <span className="flex size-5 shrink-0 items-center justify-center rounded-full bg-muted text-[0.7rem] font-semibold text-muted-foreground">
              {index}
            </span>
            <h2 id={`${id}-title`} className="truncate font-semibold">
              {title}
            </h2>
            {status && <span className="ml-1 flex min-w-0 items-center gap-2">{status}</span>}
          </CollapsibleTrigger>
          {aside && <div className="flex items-center gap-2">{aside}</div>}
        </div>
        {!open && folded && <div className="border-t px-3 py-3 sm:px-4">{folded}</div>}
        <CollapsibleContent id={`${id}-content`} className="border-t px-3 py-4 sm:px-4">
          {children}
        </CollapsibleContent>
      </section>
    </Collapsible>
  );
}
