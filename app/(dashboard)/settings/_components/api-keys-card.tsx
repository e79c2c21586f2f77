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
import { formatDateTime } from "@/lib/format";
import { RoleGrantForm, RoleGrantItem, RoleGrantList } from "./role-grant-form";
import { errorMessage, ShownOnce } from "./shown-once";


export function ApiKeysCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.settings.apiKeys.list.queryOptions());
  const [shown, setShown] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.settings.apiKeys.list.queryKey() });
  const create = useToastingMutation(
    trpc.settings.apiKeys.create.mutationOptions({
      onSuccess: (created) => {
        setShown(created.key);
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
        <RoleGrantForm
          idPrefix="api-key"
          label="Name"
          placeholder="e.g. ERP usage export"
          maxLength={100}
          pending={create.isPending}
          submit={
            <>
              <PlusIcon aria-hidden /> Create key
            </>
          }
          onSubmit={(name, role) => create.mutateAsync({ name, role }).then(() => true, () => false)}
        />

        {keys.isError && <p className="text-sm text-destructive">{errorMessage(keys.error)}</p>}
        {keys.data?.length === 0 && <p className="text-sm text-muted-foreground">No API keys yet.</p>}
        <RoleGrantList label="API keys">
          {keys.data?.map((key) => (
            <RoleGrantItem
              key={key.id}
              icon={KeyRoundIcon}
              action={!key.revokedAt && <RevokeKeyButton name={key.name} onRevoke={() => revoke.mutate({ id: key.id })} />}
            >
                <div className="flex flex-wrap items-center gap-2">
                  <span className="truncate font-medium">{key.name}</span>
                  <Badge variant="outline">{key.role}</Badge>
                  {key.revokedAt && <Badge variant="destructive">revoked</Badge>}
                </div>
                <div className="text-xs text-muted-foreground">
                  <code>{key.prefix}…</code> · created {formatDateTime(key.createdAt)} · {key.lastUsedAt ? `last used ${formatDateTime(key.lastUsedAt)}` : "never used"}
                </div>
            </RoleGrantItem>
          ))}
        </RoleGrantList>
      </CardContent>
      <ShownOnce title="Your new API key" value={shown} onClose={() => setShown(null)} />
    </Card>
  );
}

function RevokeKeyButton({ name, onRevoke }: { name: string; onRevoke: () => void }) {
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="outline" size="sm">
          Revoke
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Revoke “{name}”?</AlertDialogTitle>
          <AlertDialogDescription>Requests with this key are refused at once (401). This cannot be undone.</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Keep it</AlertDialogCancel>
          <AlertDialogAction onClick={onRevoke}>Revoke</AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
