"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { errorDataOf } from "@/lib/error-data";

const selectClass =
  "h-11 w-full rounded-md border border-input bg-transparent px-3 text-base shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 md:h-9 md:text-sm dark:bg-input/30";

/** Find an account, say why, optionally until when: the account is on hold until released or expired. */
export function PlaceHoldForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const [accountId, setAccountId] = useState("");
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const accounts = useQuery(trpc.review.holds.accounts.queryOptions({ query: deferred, limit: 20 }));
  const choices = (accounts.data ?? []).filter((a) => !a.onHold);
  const chosen = choices.some((a) => a.id === accountId) ? accountId : "";
  const place = useToastingMutation(
    trpc.review.holds.place.mutationOptions({
      onSuccess: (hold) => {
        toast.success(`${hold.accountName} is on hold`);
        setReason("");
        setUntil("");
        setAccountId("");
        void queryClient.invalidateQueries({ queryKey: trpc.review.holds.pathKey() });
      },
      onError: (error) => setErrors(Object.fromEntries(errorDataOf(error).issues.map((i) => [i.field, i.message]))),
    }),
    "The account was not put on hold",
  );
  const hint = (field: string, text?: string) =>
    errors[field] || text ? (
      <p id={`hold-${field}-hint`} className={errors[field] ? "text-xs text-destructive" : "text-xs text-muted-foreground"}>
        {errors[field] ?? text}
      </p>
    ) : null;

  return (
    <Card>
      <CardHeader>
        <CardTitle>Put an account on hold</CardTitle>
        <CardDescription>Its items stay open; runs count held accounts and their amounts in their statistics.</CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="grid gap-3 sm:grid-cols-2"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setErrors({});
            if (!chosen) return setErrors({ accountId: "choose an account" });
            place.mutate({ accountId: chosen, reason, expiresAt: until ? new Date(until).toISOString() : null });
          }}
        >
          <div className="grid gap-1.5">
            <Label htmlFor="hold-search">Find an account</Label>
            <Input id="hold-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Name or external id" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="hold-accountId">Account</Label>
            <select
              id="hold-accountId"
              className={selectClass}
              value={chosen}
              onChange={(e) => setAccountId(e.target.value)}
              aria-invalid={errors.accountId ? true : undefined}
              aria-describedby={errors.accountId ? "hold-accountId-hint" : undefined}
            >
              <option value="">{accounts.isPending ? "Loading…" : choices.length ? "Choose an account" : "No account found"}</option>
              {choices.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.externalId})
                </option>
              ))}
            </select>
            {hint("accountId")}
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="hold-reason">Reason</Label>
            <Input
              id="hold-reason"
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={errors.reason ? true : undefined}
              aria-describedby="hold-reason-hint"
            />
            {hint("reason", "Shown to everyone reviewing runs, e.g. “contract in dispute”")}
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="hold-expiresAt">Until (optional)</Label>
            <Input
              id="hold-expiresAt"
              type="datetime-local"
              value={until}
              onChange={(e) => setUntil(e.target.value)}
              aria-invalid={errors.expiresAt ? true : undefined}
              aria-describedby="hold-expiresAt-hint"
            />
            {hint("expiresAt", "Empty: until released")}
          </div>
          <div className="sm:col-span-2">
            <Button type="submit" className="min-h-11" disabled={place.isPending}>
              Put on hold
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
