"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon, Trash2Icon } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

const fields = [
  {
    key: "contactName",
    label: "Contact name (BT-41)",
    placeholder: "Accounts receivable",
    type: "text",
  },
  {
    key: "contactPhone",
    label: "Contact telephone (BT-42)",
    placeholder: "+49 30 1234567",
    type: "tel",
  },
  {
    key: "contactEmail",
    label: "Contact e-mail (BT-43)",
    placeholder: "empty: the profile e-mail",
    type: "email",
  },
  {
    key: "electronicAddressScheme",
    label: "Electronic address scheme (EAS)",
    placeholder: "9930, 0088, 0204 …",
    type: "text",
  },
  {
    key: "electronicAddress",
    label: "Registered electronic address (BT-34)",
    placeholder: "DE123456789",
    type: "text",
  },
  {
    key: "vatAccountingCurrency",
    label: "VAT accounting currency (BT-6)",
    placeholder: "empty: the default currency",
    type: "text",
  },
] as const;
type FieldKey = (typeof fields)[number]["key"];

/** Seller data the e-invoice formats need, and the exchange rates for the VAT total in the accounting currency. */
export function EinvoiceProfileCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const profile = useQuery(trpc.settings.einvoiceProfile.get.queryOptions());
  const rates = useQuery(trpc.settings.exchangeRates.list.queryOptions());
  const [rate, setRate] = useState({ currency: "", rateDate: "", rate: "" });
  const refreshRates = () =>
    queryClient.invalidateQueries({
      queryKey: trpc.settings.exchangeRates.list.queryKey(),
    });
  const setRateMutation = useToastingMutation(
    trpc.settings.exchangeRates.set.mutationOptions({
      onSuccess: () => {
        setRate({ currency: "", rateDate: "", rate: "" });
        void refreshRates();
      },
    }),
    "The rate was not saved",
  );
  const deleteRate = useToastingMutation(
    trpc.settings.exchangeRates.delete.mutationOptions({
      onSuccess: () => void refreshRates(),
    }),
    "The rate was not deleted",
  );
  const accounting = profile.data
    ? profile.data.vatAccountingCurrency || profile.data.defaultCurrency
    : "";

  const onAddRate = (e: FormEvent) => {
    e.preventDefault();
    setRateMutation.mutate({
      currency: rate.currency.trim().toUpperCase(),
      rateDate: rate.rateDate,
      rate: rate.rate.trim(),
    });
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>E-invoicing (seller)</CardTitle>
        <CardDescription>
          Peppol BIS and XRechnung need your registered electronic address;
          German buyers and XRechnung also need a contact name, telephone and
          e-mail. Accounts that choose an e-invoice format without these are
          rejected when drafts are created, with the missing field named.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        {profile.data && (
          <SellerEinvoiceForm
            key={JSON.stringify(profile.data)}
            initial={profile.data}
          />
        )}

        <section className="grid gap-3" aria-labelledby="exchange-rates-title">
          <h3 id="exchange-rates-title" className="text-sm font-medium">
            Exchange rates to {accounting || "the VAT accounting currency"}
          </h3>
          <p className="text-sm text-muted-foreground">
            An invoice in another currency states its VAT total also in{" "}
            {accounting || "the accounting currency"} (BT-111), at the latest
            rate on or before its invoice date. Without one, such an e-invoice
            is rejected when drafts are created.
          </p>
          <form
            className="grid gap-3 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end"
            onSubmit={onAddRate}
            aria-label="Add an exchange rate"
          >
            <div className="grid gap-1.5">
              <Label htmlFor="rate-currency">Currency</Label>
              <Input
                id="rate-currency"
                className="h-11"
                placeholder="USD"
                value={rate.currency}
                onChange={(e) => setRate({ ...rate, currency: e.target.value })}
              />
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="rate-date">Valid from</Label>
              <Input
                id="rate-date"
                className="h-11"
                type="date"
                value={rate.rateDate}
                onChange={(e) => setRate({ ...rate, rateDate: e.target.value })}
              />
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="rate-value">Rate (1 unit = …)</Label>
              <Input
                id="rate-value"
                className="h-11"
                inputMode="decimal"
                placeholder="0.9214"
                value={rate.rate}
                onChange={(e) => setRate({ ...rate, rate: e.target.value })}
              />
            </div>
            <Button
              type="submit"
              className="min-h-11"
              disabled={setRateMutation.isPending}
            >
              <PlusIcon aria-hidden /> Add rate
            </Button>
          </form>
          {rates.data?.length === 0 && (
            <p className="text-sm text-muted-foreground">
              No exchange rates yet.
            </p>
          )}
          <ul
            className="divide-y rounded-md border"
            aria-label="Exchange rates"
          >
            {rates.data?.map((r) => (
              <li
                key={`${r.currency}-${r.rateDate}`}
                className="flex items-center gap-3 px-3 py-1.5"
              >
                <span className="flex-1 text-sm">
                  1 {r.currency} = {r.rate} {accounting}{" "}
                  <span className="text-muted-foreground">
                    from {r.rateDate}
                  </span>
                </span>
                <Button
                  variant="ghost"
                  size="icon"
                  className="size-11"
                  aria-label={`Delete the ${r.currency} rate of ${r.rateDate}`}
                  onClick={() =>
                    deleteRate.mutate({
                      currency: r.currency,
                      rateDate: r.rateDate,
                    })
                  }
                >
                  <Trash2Icon aria-hidden />
                </Button>
              </li>
            ))}
          </ul>
        </section>
      </CardContent>
    </Card>
  );
}

function SellerEinvoiceForm({
  initial,
}: {
  initial: Record<FieldKey, string | null>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(
    () =>
      Object.fromEntries(
        fields.map((f) => [f.key, initial[f.key] ?? ""]),
      ) as Record<FieldKey, string>,
  );
  const save = useToastingMutation(
    trpc.settings.einvoiceProfile.update.mutationOptions({
      onSuccess: () => {
        toast.success("E-invoice data saved");
        void queryClient.invalidateQueries({
          queryKey: trpc.settings.einvoiceProfile.get.queryKey(),
        });
      },
    }),
    "The e-invoice data was not saved",
  );
  const onSave = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      ...form,
      electronicAddressScheme: form.electronicAddressScheme.trim(),
      vatAccountingCurrency: form.vatAccountingCurrency.trim().toUpperCase(),
    });
  };
  return (
    <form
      className="grid gap-3 sm:grid-cols-2"
      onSubmit={onSave}
      aria-label="Seller e-invoice data"
    >
      {fields.map((f) => (
        <div key={f.key} className="grid gap-1.5">
          <Label htmlFor={`einvoice-${f.key}`}>{f.label}</Label>
          <Input
            id={`einvoice-${f.key}`}
            className="h-11"
            type={f.type}
            placeholder={f.placeholder}
            value={form[f.key]}
            onChange={(e) =>
              setForm((prev) => ({ ...prev, [f.key]: e.target.value }))
            }
          />
        </div>
      ))}
      <div className="sm:col-span-2">
        <Button type="submit" className="min-h-11" disabled={save.isPending}>
          Save e-invoice data
        </Button>
      </div>
    </form>
  );
}
