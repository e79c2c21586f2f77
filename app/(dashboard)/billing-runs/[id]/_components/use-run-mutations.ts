"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { processFailureTitle } from "./post-summary";

/**
 * Run-level mutations; each refreshes every billing-run and invoice query once done and toasts a failure (a lost race
 * with a "Try again" action that sends the same call again).
 */
export function useRunMutations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.billingRuns.pathFilter()),
      queryClient.invalidateQueries(trpc.invoices.pathFilter()),
    ]);
  return {
    refresh,
    process: useToastingMutation(trpc.billingRuns.process.mutationOptions({ onSettled: refresh }), processFailureTitle(false)),
    // the same procedure once the drafts are ready; its refusals (e.g. rejected invoices remain) are titled as a Post
    post: useToastingMutation(trpc.billingRuns.process.mutationOptions({ onSettled: refresh }), processFailureTitle(true)),
    cancel: useToastingMutation(trpc.billingRuns.cancel.mutationOptions({ onSettled: refresh }), "Cancel failed"),
    setDisabled: useToastingMutation(trpc.billingRuns.setDisabled.mutationOptions({ onSettled: refresh }), "Could not change the run"),
    saveDescription: useToastingMutation(trpc.billingRuns.saveDescription.mutationOptions({ onSettled: refresh }), "Could not save the description"),
    retryFailed: useToastingMutation(trpc.billingRuns.retryFailed.mutationOptions({ onSettled: refresh }), "Retry failed"),
    generateDocuments: useToastingMutation(trpc.billingRuns.generateDocuments.mutationOptions({ onSettled: refresh }), "Could not start the documents job"),
    emailInvoices: useToastingMutation(trpc.billingRuns.emailInvoices.mutationOptions({ onSettled: refresh }), "Could not start the e-mails"),
  };
}
export type RunMutations = ReturnType<typeof useRunMutations>;
