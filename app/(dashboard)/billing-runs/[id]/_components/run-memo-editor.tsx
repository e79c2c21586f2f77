"use client";

import { useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { MemoEditor } from "@/components/memo-editor";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import type { RunStatus } from "@/lib/billing-values";

/** Statuses whose run memo the server accepts (server/billing/run-memo.ts). */
const MEMO_EDITABLE: readonly RunStatus[] = ["NEW", "LINES_CREATED", "DRAFTS_READY"];

/** The run's memo, printed on every invoice and credit note of the run. */
export function RunMemoEditor({ run }: { run: { id: string; status: RunStatus; memo: string | null } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useToastingMutation(
    trpc.billingRuns.saveMemo.mutationOptions({
      onSuccess: (saved) => {
        toast.success(saved.memo ? "Run memo saved" : "Run memo cleared");
        void queryClient.invalidateQueries({ queryKey: trpc.billingRuns.get.queryKey({ id: run.id }) });
      },
    }),
    "The run memo was not saved",
  );
  return (
    <MemoEditor
      key={`${run.memo ?? ""}`}
      id={`run-${run.id}`}
      title="Run memo"
      description="Printed on every invoice and credit note of this run, before an invoice's own memo. Empty: none."
      readOnlyReason="Printed on every document of this run; it can only be changed before posting or an approval request."
      memo={run.memo}
      editable={MEMO_EDITABLE.includes(run.status)}
      pending={save.isPending}
      onSave={(memo) => save.mutateAsync({ id: run.id, memo })}
    />
  );
}
