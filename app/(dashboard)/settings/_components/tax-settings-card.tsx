"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon, Trash2Icon } from "lucide-react";
import { Controller, useFieldArray, useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { taxSettingsInput, VAT_RATE_TYPES, vatRateInput } from "@/lib/tax-settings-inputs";
import { vatIdFormatProblem } from "@/lib/vat-id-formats";
import { fieldAria, FormField, showServerIssues } from "./form-field";
import { errorMessage } from "./shown-once";

type SettingsValues = z.input<typeof taxSettingsInput>;

// The form also checks each VAT id's format, as the service does: a malformed id is named under its field before
// anything is sent (the service still refuses it over REST).
const registrationsFormInput = taxSettingsInput.superRefine((input, ctx) => {
  input.vatRegistrations.forEach((r, i) => {
    const problem = vatIdFormatProblem(r.country, r.vatId);
    if (problem) ctx.addIssue({ code: "custom", path: ["vatRegistrations", i, "vatId"], message: problem });
  });
});
type RateValues = z.input<typeof vatRateInput>;
const RATE_TYPE_LABEL: Record<(typeof VAT_RATE_TYPES)[number], string> = { STANDARD: "Standard", REDUCED: "Reduced" };

/** OSS, the member states where the tenant is registered for VAT itself, and its own VAT rates (they win over the shipped EU rates). */
export function TaxSettingsCard() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.taxSettings.get.queryOptions());
  return (
    <Card>
      <CardHeader>
        <CardTitle>Tax</CardTitle>
        <CardDescription>
          How VAT is determined for buyers abroad. EU consumers of electronic services and goods pay their own country&apos;s rate when you are in the
          One-Stop-Shop or registered there; otherwise your domestic rate. The next processed run uses what is saved here.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        {settings.isError && <p className="text-sm text-destructive">{errorMessage(settings.error)}</p>}
        {settings.data && (
          <RegistrationsForm
            key={JSON.stringify([settings.data.ossRegistered, settings.data.vatRegistrations])}
            sellerCountry={settings.data.sellerCountry}
            initial={{
              ossRegistered: settings.data.ossRegistered,
              vatRegistrations: settings.data.vatRegistrations.map((r) => ({ country: r.country, vatId: r.vatId ?? "" })),
            }}
          />
        )}
        {settings.data && <RateOverrides overrides={settings.data.rateOverrides} />}
      </CardContent>
    </Card>
  );
}

function RegistrationsForm({ initial, sellerCountry }: { initial: SettingsValues; sellerCountry: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<SettingsValues>({ resolver: zodResolver(registrationsFormInput), defaultValues: initial });
  const registrations = useFieldArray({ control: form.control, name: "vatRegistrations" });
  const save = useToastingMutation(
    trpc.settings.taxSettings.save.mutationOptions({
      onSuccess: (saved) => {
        toast.success("Tax settings saved");
        queryClient.setQueryData(trpc.settings.taxSettings.get.queryKey(), saved);
      },
      onError: (error) => void showServerIssues(form, error),
    }),
    "The tax settings were not saved",
  );
  const errors = form.formState.errors;

  return (
    <form className="grid gap-4" aria-label="VAT registrations" noValidate onSubmit={form.handleSubmit((values) => save.mutate(values))}>
      <div className="flex min-h-11 items-center gap-3">
        <Controller
          control={form.control}
          name="ossRegistered"
          render={({ field }) => <Checkbox id="tax-oss" checked={field.value} onCheckedChange={(checked) => field.onChange(checked === true)} />}
        />
        <Label htmlFor="tax-oss" className="font-normal">
          Registered for the One-Stop-Shop (OSS)
        </Label>
      </div>

      <fieldset className="grid gap-3">
        <legend className="mb-1 text-sm font-medium">VAT registrations in other member states (your country: {sellerCountry})</legend>
        {registrations.fields.length === 0 && <p className="text-sm text-muted-foreground">None.</p>}
        {registrations.fields.map((row, i) => {
          const countryError = errors.vatRegistrations?.[i]?.country?.message;
          const vatIdError = errors.vatRegistrations?.[i]?.vatId?.message;
          return (
            <div key={row.id} className="grid grid-cols-[5.5rem_1fr_auto] items-start gap-2 sm:grid-cols-[7rem_1fr_auto]">
              <FormField id={`tax-reg-${i}-country`} label="Country" error={countryError}>
                <Input
                  {...fieldAria(`tax-reg-${i}-country`, countryError)}
                  placeholder="FR"
                  maxLength={2}
                  autoCapitalize="characters"
                  {...form.register(`vatRegistrations.${i}.country`, { setValueAs: (v: string) => v.trim().toUpperCase() })}
                />
              </FormField>
              <FormField id={`tax-reg-${i}-vat-id`} label="VAT id" error={vatIdError}>
                <Input {...fieldAria(`tax-reg-${i}-vat-id`, vatIdError)} placeholder="FR40303265045" maxLength={20} {...form.register(`vatRegistrations.${i}.vatId`)} />
              </FormField>
              <Button
                type="button"
                variant="ghost"
                size="icon"
                className="mt-[1.375rem]"
                aria-label={`Remove registration ${i + 1}`}
                onClick={() => registrations.remove(i)}
              >
                <Trash2Icon aria-hidden />
              </Button>
            </div>
          );
        })}
        {errors.vatRegistrations?.message && <p className="text-sm text-destructive">{errors.vatRegistrations.message}</p>}
        <div>
          <Button type="button" variant="outline" onClick={() => registrations.append({ country: "", vatId: "" })}>
            <PlusIcon aria-hidden /> Add registration
          </Button>
        </div>
      </fieldset>
      {errors.root?.message && <p className="text-sm text-destructive">{errors.root.message}</p>}
      <div>
        <Button type="submit" disabled={save.isPending}>
          Save tax settings
        </Button>
      </div>
    </form>
  );
}

const emptyRate: RateValues = { country: "", rateType: "STANDARD", rate: "", validFrom: "" };

function RateOverrides({ overrides }: { overrides: { country: string; rateType: "STANDARD" | "REDUCED"; rate: string; validFrom: string; shippedRate: string | null }[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.settings.taxSettings.get.queryKey() });
  const form = useForm<RateValues>({ resolver: zodResolver(vatRateInput), defaultValues: emptyRate });
  const setRate = useToastingMutation(
    trpc.settings.taxSettings.setRate.mutationOptions({
      onSuccess: (saved) => {
        toast.success(`${saved.country} ${RATE_TYPE_LABEL[saved.rateType].toLowerCase()} rate ${saved.rate} % from ${saved.validFrom} saved`);
        form.reset(emptyRate);
        void refresh();
      },
      onError: (error) => void showServerIssues(form, error),
    }),
    "The VAT rate was not saved",
  );
  const deleteRate = useToastingMutation(trpc.settings.taxSettings.deleteRate.mutationOptions({ onSuccess: () => void refresh() }), "The VAT rate was not deleted");
  const errors = form.formState.errors;

  return (
    <section className="grid gap-3" aria-labelledby="vat-rates-title">
      <h3 id="vat-rates-title" className="text-sm font-medium">
        Your own VAT rates
      </h3>
      <p className="text-sm text-muted-foreground">
        The EU-27 standard and reduced rates ship with Billrun, dated. A rate you add here wins over the shipped one for its country and type from its date.
      </p>
      <form
        className="grid grid-cols-2 gap-3 sm:grid-cols-[6rem_10rem_7rem_1fr_auto] sm:items-start"
        aria-label="Add a VAT rate"
        noValidate
        onSubmit={form.handleSubmit((values) => setRate.mutate(values))}
      >
        <FormField id="vat-rate-country" label="Country" error={errors.country?.message}>
          <Input
            {...fieldAria("vat-rate-country", errors.country?.message)}
            placeholder="FR"
            maxLength={2}
            {...form.register("country", { setValueAs: (v: string) => v.trim().toUpperCase() })}
          />
        </FormField>
        <FormField id="vat-rate-type" label="Rate type" error={errors.rateType?.message}>
          <Controller
            control={form.control}
            name="rateType"
            render={({ field }) => (
              <Select value={field.value} onValueChange={field.onChange}>
                <SelectTrigger {...fieldAria("vat-rate-type", errors.rateType?.message)} className="w-full">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {VAT_RATE_TYPES.map((t) => (
                    <SelectItem key={t} value={t}>
                      {RATE_TYPE_LABEL[t]}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          />
        </FormField>
        <FormField id="vat-rate-rate" label="Rate %" error={errors.rate?.message}>
          <Input {...fieldAria("vat-rate-rate", errors.rate?.message)} inputMode="decimal" placeholder="20.00" {...form.register("rate")} />
        </FormField>
        <FormField id="vat-rate-from" label="Valid from" error={errors.validFrom?.message}>
          <Input {...fieldAria("vat-rate-from", errors.validFrom?.message)} type="date" {...form.register("validFrom")} />
        </FormField>
        <Button type="submit" className="col-span-2 sm:col-span-1 sm:mt-[1.375rem]" disabled={setRate.isPending}>
          <PlusIcon aria-hidden /> Add rate
        </Button>
      </form>
      {overrides.length === 0 ? (
        <p className="text-sm text-muted-foreground">No rates of your own: the shipped EU rates apply.</p>
      ) : (
        <ul className="divide-y rounded-md border" aria-label="Your VAT rates">
          {overrides.map((o) => {
            const label = `${o.country} ${RATE_TYPE_LABEL[o.rateType].toLowerCase()} ${o.rate} % from ${o.validFrom}`;
            return (
              <li key={`${o.country}:${o.rateType}:${o.validFrom}`} className="flex items-center gap-3 px-3 py-1.5">
                <span className="min-w-0 flex-1 text-sm">
                  <span className="font-medium tabular-nums">{label}</span>
                  <span className="block text-xs text-muted-foreground">{o.shippedRate ? `shipped rate then: ${o.shippedRate} %` : "no shipped rate"}</span>
                </span>
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  aria-label={`Delete the rate ${label}`}
                  disabled={deleteRate.isPending}
                  onClick={() => deleteRate.mutate({ country: o.country, rateType: o.rateType, validFrom: o.validFrom })}
                >
                  <Trash2Icon aria-hidden />
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
