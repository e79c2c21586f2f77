"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon, Trash2Icon } from "lucide-react";
import { toNestErrors } from "@hookform/resolvers";
import { Controller, useFieldArray, useForm, type FieldError, type Resolver, type UseFormReturn } from "react-hook-form";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { errorDataOf } from "@/lib/error-data";
import { approvalPolicyInput, MAX_APPROVAL_THRESHOLDS, type ApprovalPolicyInput } from "@/lib/review-inputs";
import { fieldAria, FormField } from "./form-field";
import { errorMessage } from "./shown-once";

type Mode = ApprovalPolicyInput["mode"];
type Threshold = { currency: string; amount: string };
type Values = { mode: Mode; thresholds: Threshold[]; invoiceCountAbove: string };
const MODES: { value: Mode; label: string }[] = [
  { value: "OFF", label: "Off — Post posts at once" },
  { value: "ALWAYS", label: "Always — every run waits for an approver" },
  { value: "ABOVE", label: "Above a gross total or an invoice count" },
];

// a row without an amount is no threshold (the empty row the card starts with in the default currency)
const filled = (rows: Threshold[]) => rows.filter((r) => r.amount.trim());
const toInput = (v: Values): ApprovalPolicyInput => ({
  mode: v.mode,
  grossAbove: v.mode === "ABOVE" ? Object.fromEntries(filled(v.thresholds).map((r) => [r.currency.trim(), r.amount.trim()])) : null,
  invoiceCountAbove: v.mode === "ABOVE" && v.invoiceCountAbove.trim() ? Number(v.invoiceCountAbove) : null,
});

const sentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);

/**
 * Where an issue of the input belongs on the form: `grossAbove.USD` (an amount, or the code itself when it is no
 * currency) is the row of that currency; `grossAbove` alone is the first row's amount.
 */
function formPath(field: string, message: string, rows: Threshold[]): string {
  const [head, currency] = field.split(".");
  if (head !== "grossAbove") return field || "root";
  if (currency === undefined) return rows.length ? "thresholds.0.amount" : "root";
  const i = rows.findIndex((r) => r.currency.trim() === currency && r.amount.trim());
  if (i < 0) return "root";
  return /currency|ISO 4217/.test(message) ? `thresholds.${i}.currency` : `thresholds.${i}.amount`;
}

const resolver: Resolver<Values> = async (values, _context, options) => {
  const errors: Record<string, FieldError> = {};
  const put = (path: string, message: string) => (errors[path] ??= { type: "validate", message: sentence(message) });
  const rows = values.thresholds;
  if (values.mode === "ABOVE") {
    rows.forEach((r, i) => {
      if (!r.amount.trim()) return;
      const first = rows.findIndex((o) => o.amount.trim() && o.currency.trim() === r.currency.trim());
      if (first !== i) put(`thresholds.${i}.currency`, `${r.currency.trim() || "this currency"} is listed twice`);
    });
  }
  const result = approvalPolicyInput.safeParse(toInput(values));
  for (const issue of result.error?.issues ?? []) put(formPath(issue.path.join("."), issue.message, rows), issue.message);
  if (!Object.keys(errors).length) return { values, errors: {} };
  return { values: {}, errors: toNestErrors<Values>(errors, options) };
};

/** Puts the field issues of a refused save ("grossAbove.USD") on the row of that currency. */
function showServerIssues(form: UseFormReturn<Values>, error: unknown) {
  const rows = form.getValues("thresholds");
  for (const issue of errorDataOf(error).issues) {
    form.setError(formPath(issue.field ?? "", issue.message, rows) as never, { type: "server", message: sentence(issue.message) });
  }
}

/** Four eyes (#19): Post waits in AWAITING_APPROVAL until an approver other than the one who processed the run approves. */
export function ApprovalPolicyCard() {
  const trpc = useTRPC();
  const policy = useQuery(trpc.review.approvalPolicy.get.queryOptions());
  const profile = useQuery(trpc.settings.einvoiceProfile.get.queryOptions());
  const defaultCurrency = profile.data?.defaultCurrency ?? "EUR";
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
        {policy.data && !profile.isPending && (
          <PolicyForm
            key={JSON.stringify(policy.data)}
            defaultCurrency={defaultCurrency}
            initial={{
              mode: policy.data.mode,
              thresholds: Object.keys(policy.data.grossAbove).length
                ? Object.entries(policy.data.grossAbove).map(([currency, amount]) => ({ currency, amount }))
                : [{ currency: defaultCurrency, amount: "" }],
              invoiceCountAbove: policy.data.invoiceCountAbove === null ? "" : String(policy.data.invoiceCountAbove),
            }}
          />
        )}
      </CardContent>
    </Card>
  );
}

function PolicyForm({ initial, defaultCurrency }: { initial: Values; defaultCurrency: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Values>({ resolver, defaultValues: initial });
  const thresholds = useFieldArray({ control: form.control, name: "thresholds" });
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
          <FormField id="approval-count" label="More invoices than" error={errors.invoiceCountAbove?.message}>
            <Input {...fieldAria("approval-count", errors.invoiceCountAbove?.message)} inputMode="numeric" placeholder="500" {...form.register("invoiceCountAbove")} />
          </FormField>
        )}
      </div>
      {above && (
        <fieldset className="grid gap-3">
          <legend className="mb-1 text-sm font-medium">Thresholds per currency</legend>
          <p className="text-sm text-muted-foreground">A run waits when its gross total in a currency is above that currency&apos;s threshold. A currency without one never does.</p>
          {thresholds.fields.map((row, i) => {
            const currencyError = errors.thresholds?.[i]?.currency?.message;
            const amountError = errors.thresholds?.[i]?.amount?.message;
            return (
              <div key={row.id} className="grid grid-cols-[5.5rem_minmax(0,1fr)_auto] items-start gap-2 sm:grid-cols-[7rem_14rem_auto]">
                <FormField id={`approval-${i}-currency`} label="Currency" error={currencyError}>
                  <Input
                    {...fieldAria(`approval-${i}-currency`, currencyError)}
                    placeholder="EUR"
                    maxLength={3}
                    autoCapitalize="characters"
                    {...form.register(`thresholds.${i}.currency`, { setValueAs: (v: string) => v.trim().toUpperCase() })}
                  />
                </FormField>
                <FormField id={`approval-${i}-gross`} label="Gross total above" error={amountError}>
                  <Input {...fieldAria(`approval-${i}-gross`, amountError)} inputMode="decimal" placeholder="50000.00" {...form.register(`thresholds.${i}.amount`)} />
                </FormField>
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="mt-[1.375rem]"
                  aria-label={`Remove threshold ${i + 1}`}
                  onClick={() => thresholds.remove(i)}
                >
                  <Trash2Icon aria-hidden />
                </Button>
              </div>
            );
          })}
          {errors.thresholds?.message && <p className="text-sm text-destructive">{errors.thresholds.message}</p>}
          <div>
            <Button
              type="button"
              variant="outline"
              disabled={thresholds.fields.length >= MAX_APPROVAL_THRESHOLDS}
              onClick={() => thresholds.append({ currency: thresholds.fields.length ? "" : defaultCurrency, amount: "" })}
            >
              <PlusIcon aria-hidden /> Add currency
            </Button>
          </div>
        </fieldset>
      )}
      {errors.root?.message && <p className="text-sm text-destructive">{errors.root.message}</p>}
      <div>
        <Button type="submit" disabled={save.isPending}>
          Save approval policy
        </Button>
      </div>
    </form>
  );
}
