"use client";

import { ScrollTextIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { formatDateTime, formatTime, humanize } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { Execution } from "./types";

const levelClass: Record<string, string> = { info: "text-muted-foreground", warn: "text-warning", error: "text-destructive" };

export function LogDialog({ execution }: { execution: Execution }) {
  const log = execution.log ?? [];
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" disabled={log.length === 0} aria-label={`Log of the ${humanize(execution.kind)} job`}>
          <ScrollTextIcon aria-hidden /> Log
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-3xl">
        <DialogHeader>
          <DialogTitle>{humanize(execution.kind)} job log</DialogTitle>
          <DialogDescription>
            Started {formatDateTime(execution.startedAt)}
            {execution.driver ? ` · driver: ${execution.driver}` : ""}
          </DialogDescription>
        </DialogHeader>
        <ol
          tabIndex={0}
          className="max-h-[60dvh] overflow-auto rounded-md border bg-muted/40 p-3 font-mono text-xs leading-relaxed outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
          aria-label="Log entries"
        >
          {log.map((entry, i) => (
            <li key={i} className="grid grid-cols-[auto_auto_1fr] gap-x-3">
              <span className="text-muted-foreground tabular-nums">{formatTime(entry.at)}</span>
              <Badge variant="outline" className={cn("h-fit px-1 py-0 font-mono text-[0.65rem] uppercase", levelClass[entry.level])}>
                {entry.level}
              </Badge>
              <span className={cn("break-words whitespace-pre-wrap", entry.level === "error" && "text-destructive")}>{entry.message}</span>
            </li>
          ))}
        </ol>
      </DialogContent>
    </Dialog>
  );
}
