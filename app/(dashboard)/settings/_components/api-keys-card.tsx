"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRoundIcon, PlusIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { formatDateTime } from "@/lib/format";
import { errorMessage, ShownOnce } from "./shown-once";

const roles = [
  { value: "operator", label: "Operator — ingest, create and process runs" },
  { value: "viewer", label: "Viewer — read only" },
  { value: "admin", label: "Admin — everything" },
] as const;

export function ApiKeysCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.settings.apiKeys.list.queryOptions());
  const [name, setName] = useState("");
  const [role, setRole] = useState<(typeof roles)[number]["value"]>("operator");
  const [shown, setShown] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.settings.apiKeys.list.queryKey() });
  const create = useToastingMutation(
    trpc.settings.apiKeys.create.mutationOptions({
      onSuccess: (created) => {
        setShown(created.key);
        setName("");
        void refresh();
      },
    }),
    "The key was not created",
  );
  const revoke = useToastingMutation(
    trpc.settings.apiKeys.revoke.mutationOptions({
      onSuccess: () => {
        toast.success("Key revoked: it no longer works");
        void refresh();
      },
    }),
    "The key was not revoked",
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>API keys</CardTitle>
        <CardDescription>
          For machines: <code className="text-xs">Authorization: Bearer br_live_…</code>. A key belongs to this organization and acts with its role.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form
          className="grid gap-3 sm:grid-cols-[1fr_minmax(0,16rem)_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name, role });
          }}
        >
          <div className="grid gap-1.5">
            <Label htmlFor="api-key-name">Name</Label>
            <Input id="api-key-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. ERP usage export" maxLength={100} required />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="api-key-role">Role</Label>
            <Select value={role} onValueChange={(v) => setRole(v as typeof role)}>
              <SelectTrigger id="api-key-role" className="w-full">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {roles.map((r) => (
                  <SelectItem key={r.value} value={r.value}>
                    {r.label}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <Button type="submit" disabled={create.isPending || !name.trim()}>
            <PlusIcon aria-hidden /> Create key
          </Button>
        </form>

        {keys.isError && <p className="text-sm text-destructive">{errorMessage(keys.error)}</p>}
        {keys.data?.length === 0 && <p className="text-sm text-muted-foreground">No API keys yet.</p>}
        <ul className="divide-y rounded-md border" aria-label="API keys">
          {keys.data?.map((key) => (
            <li key={key.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2.5">
              <KeyRoundIcon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
              <div className="grid min-w-0 flex-1 gap-0.5">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="truncate font-medium">{key.name}</span>
                  <Badge variant="outline">{key.role}</Badge>
                  {key.revokedAt && <Badge variant="destructive">revoked</Badge>}
                </div>
                <div className="text-xs text-muted-foreground">
                  <code>{key.prefix}…</code> · created {formatDateTime(key.createdAt)} · {key.lastUsedAt ? `last used ${formatDateTime(key.lastUsedAt)}` : "never used"}
                </div>
              </div>
              {!key.revokedAt && (
                <AlertDialog>
                  <AlertDialogTrigger asChild>
                    <Button variant="outline" size="sm">
                      Revoke
                    </Button>
                  </AlertDialogTrigger>
                  <AlertDialogContent>
                    <AlertDialogHeader>
                      <AlertDialogTitle>Revoke “{key.name}”?</AlertDialogTitle>
                      <AlertDialogDescription>Requests with this key are refused at once (401). This cannot be undone.</AlertDialogDescription>
                    </AlertDialogHeader>
                    <AlertDialogFooter>
                      <AlertDialogCancel>Keep it</AlertDialogCancel>
                      <AlertDialogAction onClick={() => revoke.mutate({ id: key.id })}>Revoke</AlertDialogAction>
                    </AlertDialogFooter>
                  </AlertDialogContent>
                </AlertDialog>
              )}
            </li>
          ))}
        </ul>
      </CardContent>
      <ShownOnce title="Your new API key" value={shown} onClose={() => setShown(null)} />
    </Card>
  );
}
