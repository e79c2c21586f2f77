"use client";

import { useMutation } from "@tanstack/react-query";
import { Loader2Icon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { errorDataOf, errorMessage } from "@/lib/error-data";
import { sellerIdentityInput, type SellerIdentity } from "@/lib/seller-identity-inputs";

const fields = [
  { key: "legalName", label: "Legal name", autoComplete: "organization", placeholder: "Example GmbH" },
  { key: "addressLine", label: "Street and number", autoComplete: "street-address", placeholder: "Hauptstraße 1" },
  { key: "postalCode", label: "Postal code", autoComplete: "postal-code", placeholder: "10115" },
  { key: "city", label: "City", autoComplete: "address-level2", placeholder: "Berlin" },
  { key: "country", label: "Country (ISO code)", autoComplete: "country", placeholder: "DE" },
  { key: "vatId", label: "VAT id", autoComplete: "off", placeholder: "DE123456789" },
  { key: "email", label: "Billing e-mail (optional)", autoComplete: "email", placeholder: "billing@example.com" },
] as const;
type FieldKey = (typeof fields)[number]["key"];

export function SellerIdentityForm({ initial }: { initial: SellerIdentity }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState<Record<FieldKey, string>>({
    legalName: initial.legalName,
    addressLine: initial.addressLine,
    postalCode: initial.postalCode,
    city: initial.city,
    country: initial.country || "DE",
    vatId: initial.vatId,
    email: initial.email ?? "",
  });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<string, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(
    trpc.settings.sellerIdentity.save.mutationOptions({
      onSuccess: () => {
        router.replace("/billing-runs");
        router.refresh();
      },
      onError: (failure) => {
        setFieldErrors(Object.fromEntries(errorDataOf(failure).issues.map((i) => [i.field, i.message])));
        setError(errorMessage(failure));
      },
    }),
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const input = {
      ...values,
      country: values.country.trim().toUpperCase(),
      vatId: values.vatId.replace(/\s/g, "").toUpperCase(),
    };
    // the server's schema, checked here first so each field says what is wrong before anything is sent
    const checked = sellerIdentityInput.safeParse(input);
    if (!checked.success) {
      setFieldErrors(Object.fromEntries(checked.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setFieldErrors({});
    save.mutate(input);
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate aria-label="Seller profile">
      {fields.map((field) => (
        <div key={field.key} className={`grid gap-2 ${field.key === "legalName" || field.key === "addressLine" || field.key === "email" ? "sm:col-span-2" : ""}`}>
          <Label htmlFor={`seller-${field.key}`}>{field.label}</Label>
          <Input
            id={`seller-${field.key}`}
            name={field.key}
            className="h-11"
            autoComplete={field.autoComplete}
            placeholder={field.placeholder}
            required={field.key !== "email"}
            value={values[field.key]}
            onChange={(e) => setValues({ ...values, [field.key]: e.target.value })}
            aria-invalid={!!fieldErrors[field.key]}
            aria-describedby={fieldErrors[field.key] ? `seller-${field.key}-error` : undefined}
          />
          {fieldErrors[field.key] && (
            <p id={`seller-${field.key}-error`} className="text-sm text-destructive">
              {field.label}: {fieldErrors[field.key]}
            </p>
          )}
        </div>
      ))}
      {error && (
        <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive sm:col-span-2">
          {error}
        </p>
      )}
      <Button type="submit" disabled={save.isPending} className="min-h-11 w-full sm:col-span-2">
        {save.isPending && <Loader2Icon className="animate-spin" aria-hidden />} Save and continue
      </Button>
    </form>
  );
}
