"use client";

import { useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/lib/format";

type Hold = {
  id: string;
  accountName: string;
  accountExternalId: string;
  reason: string;
  expiresAt: Date | null;
  releasedAt: Date | null;
  createdAt: Date;
  active: boolean;
};

export function HoldRow({ hold }: { hold: Hold }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const release = useToastingMutation(
    trpc.review.holds.release.mutationOptions({
      onSuccess: () => {
        toast.success(`${hold.accountName} released: the next run bills its open items`);
        void queryClient.invalidateQueries({ queryKey: trpc.review.holds.pathKey() });
      },
    }),
    "The hold was not released",
  );
  return (
    <li className="flex flex-col gap-2 p-3 sm:flex-row sm:items-center sm:gap-4" data-testid="hold-row">
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium">
          {hold.accountName} <span className="text-sm font-normal text-muted-foreground">{hold.accountExternalId}</span>
        </p>
        <p className="text-sm break-words">{hold.reason}</p>
        <p className="text-xs text-muted-foreground">
          since {formatDateTime(hold.createdAt)}
          {hold.releasedAt ? ` · released ${formatDateTime(hold.releasedAt)}` : hold.expiresAt ? ` · until ${formatDateTime(hold.expiresAt)}` : " · until released"}
        </p>
      </div>
      <div className="flex items-center gap-2">
        <Badge variant={hold.active ? "warning" : "muted"}>{hold.active ? "on hold" : hold.releasedAt ? "released" : "expired"}</Badge>
        {hold.active && (
          <Button variant="outline" className="min-h-11" disabled={release.isPending} onClick={() => release.mutate({ id: hold.id })} aria-label={`Release the hold of ${hold.accountName}`}>
            Release
          </Button>
        )}
      </div>
    </li>
  );
}
