"use client";

import { Loader2Icon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/components/auth-client";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

type Problem = { detail?: string; errors?: { field: string; message: string }[] };

export function AcceptInvitationForm({ invitationId, email }: { invitationId: string; email: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const name = String(data.get("name") ?? "");
    const password = String(data.get("password") ?? "");
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const response = await fetch(`/api/invitations/${invitationId}/accept`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, password }),
      });
      if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as Problem;
        setFieldErrors(Object.fromEntries((problem.errors ?? []).map((e) => [e.field, e.message])));
        setError(problem.detail ?? "Joining failed");
        return;
      }
      const { error: signInError } = await authClient.signIn.email({ email, password });
      if (signInError) {
        router.replace("/login");
        return;
      }
      router.replace("/billing-runs");
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-4" noValidate>
      <div className="grid gap-2">
        <Label htmlFor="name">Your name</Label>
        <Input id="name" name="name" autoComplete="name" required aria-invalid={!!fieldErrors.name} aria-describedby={fieldErrors.name ? "name-error" : undefined} />
        {fieldErrors.name && <p id="name-error" className="text-sm text-destructive">Name {fieldErrors.name}</p>}
      </div>
      <div className="grid gap-2">
        <Label htmlFor="password">Password (at least 12 characters)</Label>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={!!fieldErrors.password}
          aria-describedby={fieldErrors.password ? "password-error" : undefined}
        />
        {fieldErrors.password && <p id="password-error" className="text-sm text-destructive">Password {fieldErrors.password}</p>}
      </div>
      {error && (
        <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {error}
        </p>
      )}
      <Button type="submit" disabled={busy} className="min-h-11 w-full">
        {busy && <Loader2Icon className="animate-spin" aria-hidden />} Join
      </Button>
    </form>
  );
}
