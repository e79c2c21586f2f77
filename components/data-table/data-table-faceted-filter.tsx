"use client";

import { CheckIcon, PlusCircleIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { Separator } from "@/components/ui/separator";
import { cn } from "@/lib/utils";

export type FacetOption = { value: string; label: string; icon?: React.ComponentType<{ className?: string }> };

/** Multi-select filter in a popover; the selection lives wherever the caller keeps it (usually the URL). */
export function DataTableFacetedFilter({
  title,
  options,
  selected,
  onChange,
}: {
  title: string;
  options: FacetOption[];
  selected: string[];
  onChange: (values: string[]) => void;
}) {
  const selectedSet = new Set(selected);
  const toggle = (value: string) => {
    const next = new Set(selectedSet);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    onChange(options.map((o) => o.value).filter((v) => next.has(v)));
  };
  return (
    <Popover>
      <PopoverTrigger asChild>
        <Button variant="outline" size="sm" className="border-dashed">
          <PlusCircleIcon aria-hidden />
          {title}
          {selected.length > 0 && (
            <>
              <Separator orientation="vertical" className="mx-0.5 h-4" />
              {selected.length > 2 ? (
                <Badge variant="secondary" className="rounded-sm px-1 font-normal">
                  {selected.length} selected
                </Badge>
              ) : (
                options
                  .filter((o) => selectedSet.has(o.value))
                  .map((o) => (
                    <Badge key={o.value} variant="secondary" className="rounded-sm px-1 font-normal">
                      {o.label}
                    </Badge>
                  ))
              )}
            </>
          )}
        </Button>
      </PopoverTrigger>
      <PopoverContent className="w-60 p-1" align="start">
        <div role="group" aria-label={title} className="grid max-h-72 gap-0.5 overflow-y-auto">
          {options.map((option) => {
            const isSelected = selectedSet.has(option.value);
            return (
              <button
                key={option.value}
                type="button"
                role="menuitemcheckbox"
                aria-checked={isSelected}
                onClick={() => toggle(option.value)}
                className="flex h-8 items-center gap-2 rounded-sm px-2 text-left text-sm outline-none max-md:h-11 hover:bg-accent focus-visible:bg-accent"
              >
                <span
                  className={cn(
                    "flex size-4 items-center justify-center rounded-[4px] border",
                    isSelected ? "border-primary bg-primary text-primary-foreground" : "border-input [&_svg]:invisible",
                  )}
                >
                  <CheckIcon className="size-3.5" aria-hidden />
                </span>
                {option.icon && <option.icon className="size-4 text-muted-foreground" />}
                <span>{option.label}</span>
              </button>
            );
          })}
        </div>
        {selected.length > 0 && (
          <>
            <Separator className="my-1" />
            <Button variant="ghost" size="sm" className="w-full" onClick={() => onChange([])}>
              Clear filter
            </Button>
          </>
        )}
      </PopoverContent>
    </Popover>
  );
}
