"use client";

import { useEffect, useRef, useState } from "react";
import { cn } from "@/lib/utils";

/**
 * The name of a scroll region for the element when its content is wider than the element (it scrolls sideways): the
 * given label, else the caption of the table inside, else "Table"; null while it fits. Kept up to date on resize.
 */
function useSidewaysScrollRegion(ref: React.RefObject<HTMLElement | null>, label: string | undefined) {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () =>
      setName(element.scrollWidth > element.clientWidth + 1 ? (label ?? element.querySelector("caption")?.textContent ?? "Table") : null);
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    for (const child of Array.from(element.children)) observer.observe(child);
    return () => observer.disconnect();
  }, [ref, label]);
  return name;
}

/**
 * A table in a container that scrolls sideways when the table is wider than the screen. Only then the container is a
 * named, focusable region, so keyboard users can scroll it too (WCAG 2.1.1; axe `scrollable-region-focusable`)
 * without an extra tab stop on every table that fits.
 */
export function Table({ className, ...props }: React.ComponentProps<"table">) {
  const container = useRef<HTMLDivElement>(null);
  const regionName = useSidewaysScrollRegion(container, props["aria-label"]);
  const region = regionName ? { role: "region", tabIndex: 0, "aria-label": regionName } : {};
  return (
    <div
      ref={container}
      data-slot="table-container"
      className="relative w-full overflow-x-auto rounded-[inherit] outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset"
      {...region}
    >
      <table data-slot="table" className={cn("w-full caption-bottom text-sm", className)} {...props} />
    </div>
  );
}

export function TableHeader({ className, ...props }: React.ComponentProps<"thead">) {
  return <thead data-slot="table-header" className={cn("[&_tr]:border-b", className)} {...props} />;
}

export function TableBody({ className, ...props }: React.ComponentProps<"tbody">) {
  return <tbody data-slot="table-body" className={cn("[&_tr:last-child]:border-0", className)} {...props} />;
}

export function TableFooter({ className, ...props }: React.ComponentProps<"tfoot">) {
  return (
    <tfoot data-slot="table-footer" className={cn("border-t bg-muted/50 font-medium [&>tr]:last:border-b-0", className)} {...props} />
  );
}

export function TableRow({ className, ...props }: React.ComponentProps<"tr">) {
  return (
    <tr
      data-slot="table-row"
      className={cn("border-b transition-colors hover:bg-muted/50 data-[state=selected]:bg-muted", className)}
      {...props}
    />
  );
}

export function TableHead({ className, ...props }: React.ComponentProps<"th">) {
  return (
    <th
      data-slot="table-head"
      className={cn(
        "h-10 px-2 text-left align-middle font-medium whitespace-nowrap text-muted-foreground [&:has([role=checkbox])]:pr-0",
        className,
      )}
      {...props}
    />
  );
}

export function TableCell({ className, ...props }: React.ComponentProps<"td">) {
  return (
    <td
      data-slot="table-cell"
      className={cn("p-2 align-middle whitespace-nowrap [&:has([role=checkbox])]:pr-0", className)}
      {...props}
    />
  );
}

export function TableCaption({ className, ...props }: React.ComponentProps<"caption">) {
  return <caption data-slot="table-caption" className={cn("mt-4 text-sm text-muted-foreground", className)} {...props} />;
}
