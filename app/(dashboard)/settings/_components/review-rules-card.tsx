"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon, Trash2Icon } from "lucide-react";
import { Controller, useFieldArray, useForm } from "react-hook-form";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import type { RuleKind } from "@/lib/billing-values";
import { RULE_THRESHOLD, saveRulesInput, type RuleSetting, type SaveRulesInput } from "@/lib/review-inputs";
import { RULE_LABEL } from "@/lib/review-labels";
import { fieldAria, FormField, schemaResolver, showServerIssues } from "./form-field";
import { errorMessage } from "./shown-once";

type Severity = RuleSetting["severity"];
type Row = { kind: RuleKind; severity: Severity; threshold: string; currency: string };
type Values = { rules: Row[] };
const SEVERITIES: { value: Severity; label: string }[] = [
  { value: "SUSPECT", label: "Suspect — review before posting" },
  { value: "REJECTED", label: "Rejected — blocks posting" },
  { value: "OFF", label: "Off" },
];

const toInput = (values: Values): SaveRulesInput => ({
  rules: values.rules.map((r) => ({
    kind: r.kind,
    severity: r.severity,
    threshold: RULE_THRESHOLD[r.kind] ? r.threshold.trim() || null : null,
    currency: r.kind === "AMOUNT_ABOVE" ? r.currency.trim().toUpperCase() || null : null,
  })),
});
const resolver = schemaResolver<Values, SaveRulesInput>(saveRulesInput, toInput);

/** The validation rules that mark drafts SUSPECT or REJECTED (#19), each with its severity and threshold. */
export function ReviewRulesCard() {
  const trpc = useTRPC();
  const rules = useQuery(trpc.review.rules.list.queryOptions());
  return (
    <Card>
      <CardHeader>
        <CardTitle>Review rules</CardTitle>
        <CardDescription>
          Drafts a rule flags are marked Suspect (reviewed before posting) or Rejected (posting waits until they are fixed, validated or quarantined).
          The amount rule can have a threshold per currency; without a currency it applies to every other currency.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {rules.isError && <p className="text-sm text-destructive">{errorMessage(rules.error)}</p>}
        {rules.data && (
          <RulesForm
            key={JSON.stringify(rules.data.rules)}
            initial={{
              rules: rules.data.rules.map((r) => ({ kind: r.kind, severity: r.severity, threshold: r.threshold ? String(Number(r.threshold)) : "", currency: r.currency ?? "" })),
            }}
          />
        )}
      </CardContent>
    </Card>
  );
}

function RulesForm({ initial }: { initial: Values }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Values>({ resolver, defaultValues: initial });
  const rows = useFieldArray({ control: form.control, name: "rules" });
  const save = useToastingMutation(
    trpc.review.rules.save.mutationOptions({
      onSuccess: (saved) => {
        toast.success("Review rules saved");
        queryClient.setQueryData(trpc.review.rules.list.queryKey(), saved);
      },
      onError: (error) => void showServerIssues(form, error),
    }),
    "The review rules were not saved",
  );
  const errors = form.formState.errors.rules;
  const watched = form.watch("rules");

  return (
    <form className="grid gap-3" aria-label="Review rules" noValidate onSubmit={form.handleSubmit((values) => save.mutate(toInput(values)))}>
      <ul className="grid gap-3">
        {rows.fields.map((row, i) => {
          const kind = row.kind;
          const needs = RULE_THRESHOLD[kind];
          const off = watched[i]?.severity === "OFF";
          const extraCurrencyRow = kind === "AMOUNT_ABOVE" && rows.fields.findIndex((r) => r.kind === "AMOUNT_ABOVE") !== i;
          const thresholdError = errors?.[i]?.threshold?.message;
          const currencyError = errors?.[i]?.currency?.message;
          const rowError = errors?.[i]?.message ?? errors?.[i]?.root?.message;
          const id = `rule-${i}`;
          return (
            <li key={row.id} className="grid gap-2 rounded-md border p-3 sm:grid-cols-[minmax(0,1fr)_15rem_8rem_6rem_2.75rem] sm:items-start">
              <div className="min-w-0 pt-2 text-sm font-medium" id={`${id}-name`}>
                {RULE_LABEL[kind]}
              </div>
              <FormField id={`${id}-severity`} label="Severity">
                <Controller
                  control={form.control}
                  name={`rules.${i}.severity`}
                  render={({ field }) => (
                    <Select value={field.value} onValueChange={field.onChange}>
                      <SelectTrigger id={`${id}-severity`} aria-describedby={`${id}-name`} className="w-full">
                        <SelectValue />
                      </SelectTrigger>
                      <SelectContent>
                        {SEVERITIES.map((s) => (
                          <SelectItem key={s.value} value={s.value}>
                            {s.label}
                          </SelectItem>
                        ))}
                      </SelectContent>
                    </Select>
                  )}
                />
              </FormField>
              {needs ? (
                <FormField id={`${id}-threshold`} label={needs === "percent" ? "Threshold %" : "Threshold"} error={thresholdError}>
                  <Input {...fieldAria(`${id}-threshold`, thresholdError)} inputMode="decimal" disabled={off} {...form.register(`rules.${i}.threshold`)} />
                </FormField>
              ) : (
                <span className="hidden sm:block" />
              )}
              {kind === "AMOUNT_ABOVE" ? (
                <FormField id={`${id}-currency`} label="Currency" error={currencyError}>
                  <Input {...fieldAria(`${id}-currency`, currencyError)} placeholder="any" maxLength={3} disabled={off} {...form.register(`rules.${i}.currency`)} />
                </FormField>
              ) : (
                <span className="hidden sm:block" />
              )}
              {extraCurrencyRow ? (
                <Button type="button" variant="ghost" size="icon" className="sm:mt-[1.375rem]" aria-label={`Remove the amount rule ${i + 1}`} onClick={() => rows.remove(i)}>
                  <Trash2Icon aria-hidden />
                </Button>
              ) : (
                <span className="hidden sm:block" />
              )}
              {rowError && <p className="text-sm text-destructive sm:col-span-5">{rowError}</p>}
            </li>
          );
        })}
      </ul>
      {form.formState.errors.root?.message && <p className="text-sm text-destructive">{form.formState.errors.root.message}</p>}
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="outline" onClick={() => rows.append({ kind: "AMOUNT_ABOVE", severity: "SUSPECT", threshold: "", currency: "" })}>
          <PlusIcon aria-hidden /> Amount threshold for a currency
        </Button>
        <Button type="submit" disabled={save.isPending}>
          Save review rules
        </Button>
      </div>
    </form>
  );
}
