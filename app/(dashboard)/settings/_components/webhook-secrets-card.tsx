"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { RefreshCwIcon } from "lucide-react";
import { useState } from "react";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatDateTime } from "@/lib/format";
import { ShownOnce } from "./shown-once";

export function WebhookSecretsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.settings.webhookSecrets.list.queryOptions());
  const [shown, setShown] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.settings.webhookSecrets.list.queryKey() });
  const rotate = useToastingMutation(
    trpc.settings.webhookSecrets.rotate.mutationOptions({
      onSuccess: (created) => {
        setShown(created.secret);
        void refresh();
      },
    }),
    "The secret was not rotated",
  );
  const revoke = useToastingMutation(
    trpc.settings.webhookSecrets.revoke.mutationOptions({
      onSuccess: () => void refresh(),
    }),
    "The secret was not revoked",
  );
  const hasValid = secrets.data?.some((s) => s.valid);

  return (
    <Card>
      <CardHeader>
        <CardTitle>Incoming webhook secret</CardTitle>
        <CardDescription>
          Your scheduler starts billing runs with <code className="text-xs">POST /api/webhooks/billing-runs?tenant=&lt;slug&gt;</code>, signed with this
          secret (Standard Webhooks). After a rotation the previous secret stays valid for 24 hours.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <div>
          <Button onClick={() => rotate.mutate({})} disabled={rotate.isPending}>
            <RefreshCwIcon aria-hidden /> {hasValid ? "Rotate secret" : "Create secret"}
          </Button>
        </div>
        {secrets.data?.length === 0 && <p className="text-sm text-muted-foreground">No secret yet: webhooks are refused until you create one.</p>}
        <ul className="divide-y rounded-md border" aria-label="Webhook secrets">
          {secrets.data?.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2.5">
              <div className="grid min-w-0 flex-1 gap-0.5">
                <div className="flex flex-wrap items-center gap-2">
                  <code className="text-sm">{s.prefix}…</code>
                  <Badge variant={s.valid ? "success" : "muted"}>{s.valid ? "valid" : "expired"}</Badge>
                </div>
                <div className="text-xs text-muted-foreground">
                  created {formatDateTime(s.createdAt)}
                  {s.expiresAt ? ` · ${s.valid ? "expires" : "expired"} ${formatDateTime(s.expiresAt)}` : ""}
                </div>
              </div>
              {s.valid && s.expiresAt && (
                <Button variant="outline" size="sm" onClick={() => revoke.mutate({ id: s.id })}>
                  Expire now
                </Button>
              )}
            </li>
          ))}
        </ul>
      </CardContent>
      <ShownOnce title="Your new webhook secret" value={shown} onClose={() => setShown(null)} />
    </Card>
  );
}
