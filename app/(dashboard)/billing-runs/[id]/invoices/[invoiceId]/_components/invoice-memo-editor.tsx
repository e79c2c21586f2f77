"use client";

import { useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { MemoEditor } from "@/components/memo-editor";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";

/** Statuses whose memo the server accepts (server/billing/invoice-memo.ts). */
const MEMO_EDITABLE = ["DRAFT", "SUSPECT", "REJECTED"];

/** The invoice's own memo, printed on its PDF after the run's memo. */
export function InvoiceMemoEditor({ invoice }: { invoice: { id: string; status: string; memo: string | null; runMemo: string | null } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useToastingMutation(
    trpc.invoices.saveMemo.mutationOptions({
      onSuccess: (saved) => {
        toast.success(saved.memo ? "Invoice memo saved" : "Invoice memo cleared");
        void queryClient.invalidateQueries({ queryKey: trpc.invoices.get.queryKey({ id: invoice.id }) });
      },
    }),
    "The invoice memo was not saved",
  );
  const runMemo = invoice.runMemo ? ` The run's memo comes first: “${invoice.runMemo}”.` : "";
  return (
    <MemoEditor
      key={`${invoice.memo ?? ""}`}
      id={`invoice-${invoice.id}`}
      title="Invoice memo"
      description={`Printed on this invoice's PDF. Empty: none.${runMemo}`}
      readOnlyReason={`Printed on this invoice's PDF; it can only be changed before the invoice is posted.${runMemo}`}
      memo={invoice.memo}
      editable={MEMO_EDITABLE.includes(invoice.status)}
      pending={save.isPending}
      onSave={(memo) => save.mutateAsync({ id: invoice.id, memo })}
    />
  );
}
