"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FlaskConicalIcon, Loader2Icon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { Controller, useForm, useWatch, type FieldErrors, type Resolver } from "react-hook-form";
import { toast } from "sonner";
import { ErrorState } from "@/components/data-table/error-state";
import { toastMutationError } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import { cn } from "@/lib/utils";
import { createRunInput, type CreateRunInput } from "@/lib/billing-inputs";
import { formatRunNumber } from "../../_components/run-status";
import { errorMessage, fieldIssuesOf } from "../../_components/trpc-errors";

const CHARGE_TYPES = [
  { value: "RECURRING", label: "Recurring" },
  { value: "USAGE", label: "Usage" },
  { value: "ONE_SHOT", label: "One-shot" },
] as const;
type ChargeType = (typeof CHARGE_TYPES)[number]["value"];

const modeOptions = [
  { value: "REVIEW", label: "Review", hint: "Create lines and drafts in one go, stop for review" },
  { value: "MANUAL", label: "Manual", hint: "One step per Process" },
  { value: "AUTO_POST", label: "Auto-post", hint: "Through to posted unless an invoice is rejected" },
] as const;
const onRejectOptions = [
  { value: "HOLD", label: "Hold the run for review" },
  { value: "QUARANTINE", label: "Quarantine rejected invoices, post the rest" },
  { value: "CANCEL", label: "Cancel rejected invoices (reopen their items)" },
] as const;
const aggregationOptions = [
  { value: "NONE", label: "No date aggregation" },
  { value: "DAY", label: "Per day" },
  { value: "MONTH", label: "Per month" },
] as const;

type FormValues = {
  type: "CYCLE" | "EXCEPTIONAL";
  billingCycleId: string;
  accountIds: string;
  subscriptionIds: string;
  chargeTypes: ChargeType[];
  invoiceDate: string;
  cutoffDate: string;
  mode: "MANUAL" | "REVIEW" | "AUTO_POST";
  onReject: "QUARANTINE" | "HOLD" | "CANCEL";
  groupBySubscription: boolean;
  splitByUnitPrice: boolean;
  dateAggregation: "NONE" | "DAY" | "MONTH";
  skipZeroAmount: boolean;
  emailInvoices: boolean;
  description: string;
};

const splitIds = (text: string) => text.split(/[\s,;]+/).filter(Boolean);

function toInput(values: FormValues): CreateRunInput {
  const exceptional = values.type === "EXCEPTIONAL";
  const accountIds = splitIds(values.accountIds);
  const subscriptionIds = splitIds(values.subscriptionIds);
  return {
    type: values.type,
    billingCycleId: !exceptional && values.billingCycleId ? values.billingCycleId : undefined,
    filter: exceptional
      ? {
          ...(accountIds.length ? { accountIds } : {}),
          ...(subscriptionIds.length ? { subscriptionIds } : {}),
          ...(values.chargeTypes.length ? { chargeTypes: values.chargeTypes } : {}),
        }
      : undefined,
    invoiceDate: values.invoiceDate,
    cutoffDate: values.cutoffDate,
    mode: values.mode,
    onReject: values.onReject,
    groupBySubscription: values.groupBySubscription,
    splitByUnitPrice: values.splitByUnitPrice,
    dateAggregation: values.dateAggregation,
    skipZeroAmount: values.skipZeroAmount,
    emailInvoices: values.emailInvoices,
    description: values.description.trim() || undefined,
  };
}

/** Server / schema field path → form field. */
function formFieldOf(path: string): keyof FormValues | "root" {
  if (path.startsWith("filter.accountIds")) return "accountIds";
  if (path.startsWith("filter.subscriptionIds")) return "subscriptionIds";
  if (path.startsWith("filter.chargeTypes") || path === "filter") return "chargeTypes";
  const head = path.split(".")[0] as keyof FormValues;
  const known: (keyof FormValues)[] = [
    "type", "billingCycleId", "invoiceDate", "cutoffDate", "mode", "onReject", "groupBySubscription",
    "splitByUnitPrice", "dateAggregation", "skipZeroAmount", "emailInvoices", "description",
  ];
  return known.includes(head) ? head : "root";
}

function sentence(message: string) {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

// Validates with the same zod schema the server uses (lib/billing-inputs.ts).
const resolver: Resolver<FormValues> = async (values) => {
  const result = createRunInput.safeParse(toInput(values));
  if (result.success) return { values, errors: {} };
  const errors: Record<string, { type: string; message: string }> = {};
  for (const issue of result.error.issues) {
    const field = formFieldOf(issue.path.join("."));
    errors[field] ??= { type: issue.code, message: sentence(issue.message) };
  }
  return { values: {}, errors: errors as FieldErrors<FormValues> };
};

function today() {
  return new Date().toISOString().slice(0, 10);
}

export function NewRunForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const options = useQuery(trpc.billingRuns.formOptions.queryOptions());
  const form = useForm<FormValues>({
    resolver,
    defaultValues: {
      type: "CYCLE",
      billingCycleId: "",
      accountIds: "",
      subscriptionIds: "",
      chargeTypes: [],
      invoiceDate: today(),
      cutoffDate: today(),
      mode: "REVIEW",
      onReject: "HOLD",
      groupBySubscription: false,
      splitByUnitPrice: false,
      dateAggregation: "NONE",
      skipZeroAmount: false,
      emailInvoices: false,
      description: "",
    },
  });
  const { errors, isSubmitting } = form.formState;

  // Server defaults (next invoice date of the cycle etc.) arrive with the form options.
  const optionsData = options.data;
  useEffect(() => {
    if (!optionsData || form.formState.isDirty) return;
    const defaults = (optionsData.defaults ?? {}) as Partial<Record<keyof FormValues, unknown>>;
    const current = form.getValues();
    const next: FormValues = { ...current };
    for (const key of Object.keys(current) as (keyof FormValues)[]) {
      const value = defaults[key];
      if (value !== undefined && value !== null && typeof value === typeof current[key]) (next as Record<string, unknown>)[key] = value;
    }
    if (!next.billingCycleId && optionsData.cycles.length === 1) next.billingCycleId = optionsData.cycles[0].id;
    form.reset(next);
  }, [optionsData, form]);

  const create = useMutation(
    trpc.billingRuns.create.mutationOptions({
      onSuccess: async (run) => {
        toast.success(`Billing run ${formatRunNumber(run.number)} created`);
        await queryClient.invalidateQueries({ queryKey: trpc.billingRuns.list.queryKey() });
        router.push(`/billing-runs/${run.id}`);
      },
      onError: (error, variables) => {
        const issues = fieldIssuesOf(error);
        for (const issue of issues) {
          const field = formFieldOf(issue.field);
          form.setError(field, { type: "server", message: sentence(issue.message) }, { shouldFocus: true });
        }
        if (issues.length) {
          toast.error("The billing run was not created", { description: "Check the highlighted fields." });
          return;
        }
        form.setError("root", { type: "server", message: errorMessage(error) });
        // A lost race gets "Try again": the same input is sent once more.
        toastMutationError("The billing run was not created", error, () => {
          form.clearErrors("root");
          create.mutate(variables);
        });
      },
    }),
  );

  const type = useWatch({ control: form.control, name: "type" });
  const mode = useWatch({ control: form.control, name: "mode" });

  if (options.isError) {
    return <ErrorState title="Could not load the form" error={options.error} onRetry={() => void options.refetch()} retrying={options.isFetching} />;
  }
  if (options.isPending) {
    return (
      <div className="grid grid-cols-1 gap-4">
        <Skeleton className="h-48 w-full rounded-xl" />
        <Skeleton className="h-64 w-full rounded-xl" />
      </div>
    );
  }

  return (
    <form
      noValidate
      className="grid grid-cols-1 gap-4 pb-8"
      onSubmit={form.handleSubmit(async (values) => {
        await create.mutateAsync(toInput(values)).catch(() => undefined);
      })}
    >
      <Card>
        <CardHeader>
          <CardTitle>What to bill</CardTitle>
          <CardDescription>A cycle run bills every account of a billing cycle; an exceptional run bills a selection.</CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-1 gap-5">
          <Controller
            control={form.control}
            name="type"
            render={({ field }) => (
              <fieldset className="grid grid-cols-1 gap-2">
                <legend className="mb-2 text-sm font-medium">Run type</legend>
                <div role="radiogroup" aria-label="Run type" className="grid grid-cols-2 gap-2">
                  {(["CYCLE", "EXCEPTIONAL"] as const).map((value) => (
                    <button
                      key={value}
                      type="button"
                      role="radio"
                      aria-checked={field.value === value}
                      onClick={() => field.onChange(value)}
                      className={cn(
                        "min-h-11 rounded-md border px-3 py-2 text-left text-sm transition-colors focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:outline-none",
                        field.value === value ? "border-primary bg-primary/5 font-medium" : "hover:bg-accent",
                      )}
                    >
                      {value === "CYCLE" ? "Cycle run" : "Exceptional run"}
                    </button>
                  ))}
                </div>
              </fieldset>
            )}
          />

          {type === "CYCLE" ? (
            <Field label="Billing cycle" htmlFor="billingCycleId" error={errors.billingCycleId?.message}>
              <Controller
                control={form.control}
                name="billingCycleId"
                render={({ field }) => (
                  <Select value={field.value} onValueChange={field.onChange}>
                    <SelectTrigger id="billingCycleId" aria-invalid={!!errors.billingCycleId} onBlur={field.onBlur}>
                      <SelectValue placeholder="Choose a billing cycle" />
                    </SelectTrigger>
                    <SelectContent>
                      {options.data.cycles.map((cycle) => (
                        <SelectItem key={cycle.id} value={cycle.id}>
                          {cycle.name}
                        </SelectItem>
                      ))}
                    </SelectContent>
                  </Select>
                )}
              />
            </Field>
          ) : (
            <div className="grid grid-cols-1 gap-4">
              <Field
                label="Account ids"
                htmlFor="accountIds"
                hint="One id per line or separated by commas."
                error={errors.accountIds?.message}
              >
                <Textarea id="accountIds" rows={3} className="font-mono text-xs" aria-invalid={!!errors.accountIds} {...form.register("accountIds")} />
              </Field>
              <Field label="Subscription ids" htmlFor="subscriptionIds" error={errors.subscriptionIds?.message}>
                <Textarea
                  id="subscriptionIds"
                  rows={2}
                  className="font-mono text-xs"
                  aria-invalid={!!errors.subscriptionIds}
                  {...form.register("subscriptionIds")}
                />
              </Field>
              <Controller
                control={form.control}
                name="chargeTypes"
                render={({ field }) => (
                  <fieldset className="grid grid-cols-1 gap-2" aria-invalid={!!errors.chargeTypes}>
                    <legend className="mb-1 text-sm font-medium">Charge types</legend>
                    <div className="flex flex-wrap gap-4">
                      {CHARGE_TYPES.map((option) => (
                        <label key={option.value} className="flex min-h-11 items-center gap-2 text-sm">
                          <Checkbox
                            checked={field.value.includes(option.value)}
                            onCheckedChange={(checked) =>
                              field.onChange(checked ? [...field.value, option.value] : field.value.filter((v) => v !== option.value))
                            }
                          />
                          {option.label}
                        </label>
                      ))}
                    </div>
                    {errors.chargeTypes?.message && <p className="text-sm text-destructive">{errors.chargeTypes.message}</p>}
                  </fieldset>
                )}
              />
            </div>
          )}

          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <Field label="Invoice date" htmlFor="invoiceDate" error={errors.invoiceDate?.message}>
              <Input id="invoiceDate" type="date" aria-invalid={!!errors.invoiceDate} {...form.register("invoiceDate")} />
            </Field>
            <Field
              label="Cut-off date"
              htmlFor="cutoffDate"
              hint="Only items used before this date are billed."
              error={errors.cutoffDate?.message}
            >
              <Input id="cutoffDate" type="date" aria-invalid={!!errors.cutoffDate} {...form.register("cutoffDate")} />
            </Field>
          </div>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Processing</CardTitle>
          <CardDescription>How far Process goes, and what happens to rejected invoices.</CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field label="Mode" htmlFor="mode" error={errors.mode?.message} hint={modeOptions.find((m) => m.value === mode)?.hint}>
            <Controller
              control={form.control}
              name="mode"
              render={({ field }) => (
                <Select value={field.value} onValueChange={field.onChange}>
                  <SelectTrigger id="mode">
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    {modeOptions.map((o) => (
                      <SelectItem key={o.value} value={o.value}>
                        {o.label}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              )}
            />
          </Field>
          <Field label="On reject" htmlFor="onReject" error={errors.onReject?.message}>
            <Controller
              control={form.control}
              name="onReject"
              render={({ field }) => (
                <Select value={field.value} onValueChange={field.onChange}>
                  <SelectTrigger id="onReject">
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    {onRejectOptions.map((o) => (
                      <SelectItem key={o.value} value={o.value}>
                        {o.label}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              )}
            />
          </Field>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Aggregation and options</CardTitle>
          <CardDescription>Lines are always grouped by account and charge.</CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-1 gap-4">
          <Field label="Date aggregation" htmlFor="dateAggregation" error={errors.dateAggregation?.message}>
            <Controller
              control={form.control}
              name="dateAggregation"
              render={({ field }) => (
                <Select value={field.value} onValueChange={field.onChange}>
                  <SelectTrigger id="dateAggregation" className="sm:max-w-xs">
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    {aggregationOptions.map((o) => (
                      <SelectItem key={o.value} value={o.value}>
                        {o.label}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              )}
            />
          </Field>
          <div className="grid grid-cols-1 gap-1 sm:grid-cols-2">
            <CheckboxField control={form.control} name="groupBySubscription" label="Also group by subscription" />
            <CheckboxField control={form.control} name="splitByUnitPrice" label="Split lines by unit price" />
            <CheckboxField control={form.control} name="skipZeroAmount" label="Skip zero-amount invoices" />
            <CheckboxField control={form.control} name="emailInvoices" label="E-mail invoices to customers on post" />
          </div>
          <Field
            label="Description"
            htmlFor="description"
            hint="Leave empty to generate one from the cycle and dates."
            error={errors.description?.message}
          >
            <Textarea id="description" rows={2} aria-invalid={!!errors.description} {...form.register("description")} />
          </Field>
        </CardContent>
      </Card>

      {errors.root?.message && (
        <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {errors.root.message}
        </p>
      )}

      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button type="button" variant="outline" onClick={() => router.back()}>
          Cancel
        </Button>
        <Button
          type="button"
          variant="outline"
          onClick={form.handleSubmit((values) => router.push(`/billing-runs/simulation?input=${encodeURIComponent(JSON.stringify(toInput(values)))}`))}
        >
          <FlaskConicalIcon aria-hidden /> Simulate
        </Button>
        <Button type="submit" disabled={isSubmitting || create.isPending}>
          {(isSubmitting || create.isPending) && <Loader2Icon className="animate-spin" aria-hidden />}
          Create billing run
        </Button>
      </div>
    </form>
  );
}

function Field({
  label,
  htmlFor,
  hint,
  error,
  children,
}: {
  label: string;
  htmlFor: string;
  hint?: string;
  error?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="grid content-start gap-2">
      <Label htmlFor={htmlFor}>{label}</Label>
      {children}
      {error ? (
        <p id={`${htmlFor}-error`} className="text-sm text-destructive" role="alert">
          {error}
        </p>
      ) : (
        hint && <p className="text-xs text-muted-foreground">{hint}</p>
      )}
    </div>
  );
}

function CheckboxField({
  control,
  name,
  label,
}: {
  control: ReturnType<typeof useForm<FormValues>>["control"];
  name: "groupBySubscription" | "splitByUnitPrice" | "skipZeroAmount" | "emailInvoices";
  label: string;
}) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <label className="flex min-h-11 items-center gap-2 text-sm">
          <Checkbox checked={field.value} onCheckedChange={(checked) => field.onChange(checked === true)} onBlur={field.onBlur} />
          {label}
        </label>
      )}
    />
  );
}
