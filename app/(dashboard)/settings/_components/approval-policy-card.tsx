"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Controller, useForm } from "react-hook-form";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { approvalPolicyInput, type ApprovalPolicyInput } from "@/lib/review-inputs";
import { fieldAria, FormField, schemaResolver, showServerIssues } from "./form-field";
import { errorMessage } from "./shown-once";

type Mode = ApprovalPolicyInput["mode"];
type Values = { mode: Mode; grossAbove: string; invoiceCountAbove: string };
const MODES: { value: Mode; label: string }[] = [
  { value: "OFF", label: "Off — Post posts at once" },
  { value: "ALWAYS", label: "Always — every run waits for an approver" },
  { value: "ABOVE", label: "Above a gross total or an invoice count" },
];

const toInput = (v: Values): ApprovalPolicyInput => ({
  mode: v.mode,
  grossAbove: v.mode === "ABOVE" ? v.grossAbove.trim() || null : null,
  invoiceCountAbove: v.mode === "ABOVE" && v.invoiceCountAbove.trim() ? Number(v.invoiceCountAbove) : null,
});
const resolver = schemaResolver<Values, ApprovalPolicyInput>(approvalPolicyInput, toInput);

/** Four eyes (#19): Post waits in AWAITING_APPROVAL until an approver other than the one who processed the run approves. */
export function ApprovalPolicyCard() {
  const trpc = useTRPC();
  const policy = useQuery(trpc.review.approvalPolicy.get.queryOptions());
  return (
    <Card>
      <CardHeader>
        <CardTitle>Approval before posting</CardTitle>
        <CardDescription>
          When a run needs approval, Post waits until a member with the approver role — not the one who processed it — approves or sends it back.
          API keys cannot approve. The approver may set a time to post at, unless someone holds it before.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {policy.isError && <p className="text-sm text-destructive">{errorMessage(policy.error)}</p>}
        {policy.data && (
          <PolicyForm
            key={JSON.stringify(policy.data)}
            initial={{
              mode: policy.data.mode,
              grossAbove: policy.data.grossAbove ? String(Number(policy.data.grossAbove)) : "",
              invoiceCountAbove: policy.data.invoiceCountAbove === null ? "" : String(policy.data.invoiceCountAbove),
            }}
          />
        )}
      </CardContent>
    </Card>
  );
}

function PolicyForm({ initial }: { initial: Values }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Values>({ resolver, defaultValues: initial });
  const save = useToastingMutation(
    trpc.review.approvalPolicy.save.mutationOptions({
      onSuccess: (saved) => {
        toast.success("Approval policy saved");
        queryClient.setQueryData(trpc.review.approvalPolicy.get.queryKey(), saved);
      },
      onError: (error) => void showServerIssues(form, error),
    }),
    "The approval policy was not saved",
  );
  const errors = form.formState.errors;
  const above = form.watch("mode") === "ABOVE";
  return (
    <form className="grid gap-4" aria-label="Approval policy" noValidate onSubmit={form.handleSubmit((v) => save.mutate(toInput(v)))}>
      <div className="grid gap-4 sm:grid-cols-3 sm:items-start">
        <FormField id="approval-mode" label="Approval" error={errors.mode?.message}>
          <Controller
            control={form.control}
            name="mode"
            render={({ field }) => (
              <Select value={field.value} onValueChange={field.onChange}>
                <SelectTrigger {...fieldAria("approval-mode", errors.mode?.message)} className="w-full">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {MODES.map((m) => (
                    <SelectItem key={m.value} value={m.value}>
                      {m.label}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          />
        </FormField>
        {above && (
          <>
            <FormField id="approval-gross" label="Gross total above" hint="in the run's largest currency" error={errors.grossAbove?.message}>
              <Input {...fieldAria("approval-gross", errors.grossAbove?.message, "in the run's largest currency")} inputMode="decimal" placeholder="50000" {...form.register("grossAbove")} />
            </FormField>
            <FormField id="approval-count" label="More invoices than" error={errors.invoiceCountAbove?.message}>
              <Input {...fieldAria("approval-count", errors.invoiceCountAbove?.message)} inputMode="numeric" placeholder="500" {...form.register("invoiceCountAbove")} />
            </FormField>
          </>
        )}
      </div>
      <div>
        <Button type="submit" disabled={save.isPending}>
          Save approval policy
        </Button>
      </div>
    </form>
  );
}
