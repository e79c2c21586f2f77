"use client";

import { AlertTriangleIcon, RotateCwIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

export function ErrorState({
  title = "Something went wrong",
  error,
  onRetry,
  retrying,
  className,
}: {
  title?: string;
  error?: { message: string } | null;
  onRetry?: () => void;
  retrying?: boolean;
  className?: string;
}) {
  return (
    <div
      role="alert"
      className={cn(
        "flex flex-col items-center justify-center gap-2 rounded-lg border border-destructive/30 bg-destructive/5 px-6 py-10 text-center",
        className,
      )}
    >
      <AlertTriangleIcon className="size-6 text-destructive" aria-hidden />
      <p className="font-medium">{title}</p>
      {error?.message && <p className="max-w-md text-sm break-words text-muted-foreground">{error.message}</p>}
      {onRetry && (
        <Button variant="outline" size="sm" className="mt-2" onClick={onRetry} disabled={retrying}>
          <RotateCwIcon className={cn(retrying && "animate-spin")} aria-hidden /> Try again
        </Button>
      )}
    </div>
  );
}
