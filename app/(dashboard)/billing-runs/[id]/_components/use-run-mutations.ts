"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { useTRPC } from "@/components/providers/trpc-provider";
import { errorMessage } from "../../_components/trpc-errors";

/** Run-level mutations; each refreshes every billing-run and invoice query once done and toasts the outcome. */
export function useRunMutations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.billingRuns.pathFilter()),
      queryClient.invalidateQueries(trpc.invoices.pathFilter()),
    ]);
  const onError = (title: string) => (error: unknown) => {
    toast.error(title, { description: errorMessage(error) });
  };

  return {
    refresh,
    process: useMutation(trpc.billingRuns.process.mutationOptions({ onSettled: refresh, onError: onError("Process failed") })),
    cancel: useMutation(trpc.billingRuns.cancel.mutationOptions({ onSettled: refresh, onError: onError("Cancel failed") })),
    setDisabled: useMutation(trpc.billingRuns.setDisabled.mutationOptions({ onSettled: refresh, onError: onError("Could not change the run") })),
    saveDescription: useMutation(
      trpc.billingRuns.saveDescription.mutationOptions({ onSettled: refresh, onError: onError("Could not save the description") }),
    ),
    retryFailed: useMutation(trpc.billingRuns.retryFailed.mutationOptions({ onSettled: refresh, onError: onError("Retry failed") })),
    generateDocuments: useMutation(
      trpc.billingRuns.generateDocuments.mutationOptions({ onSettled: refresh, onError: onError("Could not start the documents job") }),
    ),
    emailInvoices: useMutation(
      trpc.billingRuns.emailInvoices.mutationOptions({ onSettled: refresh, onError: onError("Could not start the e-mails") }),
    ),
  };
}
export type RunMutations = ReturnType<typeof useRunMutations>;
