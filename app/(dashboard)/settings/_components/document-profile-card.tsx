"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ImageUpIcon, Trash2Icon } from "lucide-react";
import { useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { LOGO_MAX_BYTES, LOGO_TYPES } from "@/lib/logo-limits";
import type { DocumentLanguage } from "@/server/documents/i18n/languages";
import { fieldAria, FormField, showServerIssues } from "./form-field";
import { errorMessage } from "./shown-once";

const LANGUAGE_NAMES: Record<DocumentLanguage, string> = { en: "English", de: "Deutsch", fr: "Français", es: "Español", it: "Italiano", nl: "Nederlands" };
type Values = { tradeRegister: string; managingDirectors: string; defaultLanguage: DocumentLanguage };

/** What the PDFs show besides the seller's identity: the logo, the footer's register and directors, the default language. */
export function DocumentProfileCard() {
  const trpc = useTRPC();
  const profile = useQuery(trpc.settings.documentProfile.get.queryOptions());
  return (
    <Card>
      <CardHeader>
        <CardTitle>Documents</CardTitle>
        <CardDescription>
          The logo in the letterhead of your invoices and credit notes, the footer next to your address, and the language of documents for accounts
          without one of their own.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        {profile.isError && <p className="text-sm text-destructive">{errorMessage(profile.error)}</p>}
        {profile.data && <LogoSection logo={profile.data.logo} />}
        {profile.data && (
          <FooterForm
            key={JSON.stringify([profile.data.tradeRegister, profile.data.managingDirectors, profile.data.defaultLanguage])}
            initial={{
              tradeRegister: profile.data.tradeRegister ?? "",
              managingDirectors: profile.data.managingDirectors ?? "",
              defaultLanguage: profile.data.defaultLanguage,
            }}
          />
        )}
      </CardContent>
    </Card>
  );
}

function LogoSection({ logo }: { logo: { mimeType: string; bytes: number; dataUri: string } | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // a new key empties the file input after a save
  const [inputKey, setInputKey] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const onSaved = (saved: unknown) => {
    queryClient.setQueryData(trpc.settings.documentProfile.get.queryKey(), saved as never);
    setInputKey((k) => k + 1);
  };
  const upload = useToastingMutation(
    trpc.settings.documentProfile.uploadLogo.mutationOptions({
      onSuccess: (saved) => {
        toast.success("Logo saved");
        onSaved(saved);
      },
    }),
    "The logo was not saved",
  );
  const remove = useToastingMutation(
    trpc.settings.documentProfile.removeLogo.mutationOptions({
      onSuccess: (saved) => {
        toast.success("Logo removed");
        onSaved(saved);
      },
    }),
    "The logo was not removed",
  );

  async function onFile(file: File | undefined) {
    setProblem(null);
    if (!file) return;
    if (!(LOGO_TYPES as readonly string[]).includes(file.type)) return setProblem(`${file.name} is not a PNG or JPEG image`);
    if (file.size > LOGO_MAX_BYTES) return setProblem(`${file.name} is ${Math.ceil(file.size / 1024)} KiB; at most ${LOGO_MAX_BYTES / 1024} KiB are accepted`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    upload.mutate({ mimeType: file.type as (typeof LOGO_TYPES)[number], data: btoa(binary) });
  }

  return (
    <section className="grid gap-3" aria-labelledby="logo-title">
      <h3 id="logo-title" className="text-sm font-medium">
        Logo
      </h3>
      <div className="flex flex-wrap items-center gap-4">
        <div className="flex h-16 w-40 items-center justify-center rounded-md border bg-white p-2">
          {logo ? (
            // eslint-disable-next-line @next/next/no-img-element -- a data: URI from the database, nothing to optimize
            <img src={logo.dataUri} alt="Your logo" className="max-h-full max-w-full object-contain" />
          ) : (
            <span className="text-xs text-neutral-600">No logo</span>
          )}
        </div>
        <div className="grid gap-2">
          <FormField id="logo-file" label={`PNG or JPEG, at most ${LOGO_MAX_BYTES / 1024} KiB`} error={problem ?? undefined}>
            <Input
              key={inputKey}
              {...fieldAria("logo-file", problem ?? undefined)}
              type="file"
              accept={LOGO_TYPES.join(",")}
              disabled={upload.isPending}
              onChange={(e) => void onFile(e.target.files?.[0])}
            />
          </FormField>
          {logo && (
            <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
              <ImageUpIcon className="size-4" aria-hidden /> {logo.mimeType}, {Math.ceil(logo.bytes / 1024)} KiB
              <Button type="button" variant="outline" size="sm" disabled={remove.isPending} onClick={() => remove.mutate()}>
                <Trash2Icon aria-hidden /> Remove logo
              </Button>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

function FooterForm({ initial }: { initial: Values }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Values>({ defaultValues: initial });
  const save = useToastingMutation(
    trpc.settings.documentProfile.save.mutationOptions({
      onSuccess: (saved) => {
        toast.success("Document settings saved");
        queryClient.setQueryData(trpc.settings.documentProfile.get.queryKey(), saved);
      },
      onError: (error) => void showServerIssues(form, error),
    }),
    "The document settings were not saved",
  );
  const errors = form.formState.errors;
  return (
    <form
      className="grid gap-4"
      aria-label="Footer and language"
      noValidate
      onSubmit={form.handleSubmit((v) => save.mutate({ tradeRegister: v.tradeRegister, managingDirectors: v.managingDirectors, defaultLanguage: v.defaultLanguage }))}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField id="doc-trade-register" label="Trade register" error={errors.tradeRegister?.message}>
          <Input
            {...fieldAria("doc-trade-register", errors.tradeRegister?.message)}
            placeholder="Amtsgericht Berlin HRB 123456"
            maxLength={200}
            {...form.register("tradeRegister")}
          />
        </FormField>
        <FormField id="doc-language" label="Default document language" error={errors.defaultLanguage?.message}>
          <Controller
            control={form.control}
            name="defaultLanguage"
            render={({ field }) => (
              <Select value={field.value} onValueChange={field.onChange}>
                <SelectTrigger {...fieldAria("doc-language", errors.defaultLanguage?.message)} className="w-full">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {(Object.keys(LANGUAGE_NAMES) as DocumentLanguage[]).map((code) => (
                    <SelectItem key={code} value={code}>
                      {LANGUAGE_NAMES[code]}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          />
        </FormField>
      </div>
      <FormField id="doc-directors" label="Managing directors" error={errors.managingDirectors?.message}>
        <Textarea {...fieldAria("doc-directors", errors.managingDirectors?.message)} rows={2} maxLength={300} placeholder="Erika Mustermann, Max Muster" {...form.register("managingDirectors")} />
      </FormField>
      {errors.root?.message && <p className="text-sm text-destructive">{errors.root.message}</p>}
      <div>
        <Button type="submit" disabled={save.isPending}>
          Save document settings
        </Button>
      </div>
    </form>
  );
}
