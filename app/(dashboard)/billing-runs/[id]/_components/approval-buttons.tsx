"use client";

import { useQueryClient } from "@tanstack/react-query";
import { CheckCheckIcon, Undo2Icon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { RunDetail } from "./types";

/**
 * A run awaiting approval: Approve (the server refuses the requester, the run's creator and roles below approver) or
 * Send back with a comment. Both are 44 px targets and wrap on a phone.
 */
export function ApprovalButtons({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const refresh = () => queryClient.invalidateQueries(trpc.billingRuns.pathFilter());
  const approve = useToastingMutation(trpc.review.approvals.approve.mutationOptions({ onSettled: refresh }), "Approval refused");
  const sendBack = useToastingMutation(trpc.review.approvals.sendBack.mutationOptions({ onSettled: refresh }), "Could not send the run back");
  if (!run.availableActions.includes("APPROVE")) return null;
  return (
    <div className="flex w-full flex-wrap items-center gap-2" data-testid="approval-buttons">
      <Input
        aria-label="Comment (required to send back)"
        placeholder="Comment…"
        className="h-11 min-w-40 flex-1"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <Button
        className="min-h-11"
        disabled={approve.isPending}
        onClick={() => approve.mutate({ id: run.id, comment: comment.trim() || undefined }, { onSuccess: (r) => toast.success(r.message) })}
      >
        <CheckCheckIcon aria-hidden /> Approve
      </Button>
      <Button
        variant="outline"
        className="min-h-11"
        disabled={sendBack.isPending || !comment.trim()}
        onClick={() => sendBack.mutate({ id: run.id, comment: comment.trim() }, { onSuccess: () => toast.success("Sent back for review") })}
      >
        <Undo2Icon aria-hidden /> Send back
      </Button>
    </div>
  );
}
