"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronDownIcon, PlusIcon } from "lucide-react";
import { useState } from "react";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Collapsible, CollapsibleContent, CollapsibleTrigger } from "@/components/ui/collapsible";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { formatDateTime } from "@/lib/format";
import { WEBHOOK_MAX_ATTEMPTS } from "@/lib/webhook-retry-schedule";
import { ShownOnce } from "./shown-once";

// Mirrors WEBHOOK_EVENT_TYPES (server/webhooks/outgoing.ts); the server validates the list.
const EVENT_TYPES = ["billing_run.drafts_ready", "billing_run.posted", "billing_run.failed", "invoice.posted", "credit_note.posted"] as const;
type EventType = (typeof EVENT_TYPES)[number];

export function WebhookEndpointsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endpoints = useQuery(trpc.settings.webhookEndpoints.list.queryOptions());
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<EventType[]>([]);
  const [shown, setShown] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.settings.webhookEndpoints.list.queryKey() });
  const create = useToastingMutation(
    trpc.settings.webhookEndpoints.create.mutationOptions({
      onSuccess: (created) => {
        setShown(created.secret);
        setUrl("");
        setEvents([]);
        void refresh();
      },
    }),
    "The endpoint was not added",
  );
  const update = useToastingMutation(
    trpc.settings.webhookEndpoints.update.mutationOptions({
      onSuccess: () => void refresh(),
    }),
    "The endpoint was not changed",
  );
  const remove = useToastingMutation(
    trpc.settings.webhookEndpoints.delete.mutationOptions({
      onSuccess: () => void refresh(),
    }),
    "The endpoint was not deleted",
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>Outgoing webhooks</CardTitle>
        <CardDescription>
          Endpoints receive signed events (Standard Webhooks). Failed deliveries are retried with back-off for about a day ({WEBHOOK_MAX_ATTEMPTS}{" "}
          attempts), then given up. An endpoint answering 410 Gone is disabled.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ url, events });
          }}
        >
          <div className="grid gap-1.5">
            <Label htmlFor="endpoint-url">Endpoint URL</Label>
            <Input
              id="endpoint-url"
              type="url"
              inputMode="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://example.com/billrun"
              aria-describedby="endpoint-url-hint"
              required
            />
            <p id="endpoint-url-hint" className="text-xs text-muted-foreground">
              A public https:// address. Private, loopback and link-local addresses are refused unless the server allows them for local development.
            </p>
          </div>
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Events (none selected = all)</legend>
            <div className="grid gap-2 sm:grid-cols-2">
              {EVENT_TYPES.map((type) => (
                <label key={type} className="flex items-center gap-2 text-sm">
                  <Checkbox
                    checked={events.includes(type)}
                    onCheckedChange={(checked) => setEvents((current) => (checked ? [...current, type] : current.filter((t) => t !== type)))}
                  />
                  <code className="text-xs">{type}</code>
                </label>
              ))}
            </div>
          </fieldset>
          <div>
            <Button type="submit" disabled={create.isPending || !url}>
              <PlusIcon aria-hidden /> Add endpoint
            </Button>
          </div>
        </form>

        {endpoints.data?.length === 0 && <p className="text-sm text-muted-foreground">No endpoints yet.</p>}
        <ul className="grid gap-3" aria-label="Webhook endpoints">
          {endpoints.data?.map((endpoint) => (
            <li key={endpoint.id} className="grid gap-2 rounded-md border p-3">
              <div className="flex flex-wrap items-start gap-2">
                <div className="grid min-w-0 flex-1 gap-1">
                  <span className="font-mono text-sm break-all">{endpoint.url}</span>
                  <div className="flex flex-wrap gap-1">
                    <Badge variant={endpoint.enabled ? "success" : "muted"}>{endpoint.enabled ? "enabled" : "disabled"}</Badge>
                    {(endpoint.events.length ? endpoint.events : ["all events"]).map((e) => (
                      <Badge key={e} variant="outline">
                        {e}
                      </Badge>
                    ))}
                  </div>
                  {endpoint.disabledReason && <p className="text-xs text-muted-foreground">{endpoint.disabledReason}</p>}
                  <p className="text-xs text-muted-foreground">
                    secret <code>{endpoint.secretPrefix}…</code>
                    {endpoint.lastAt ? ` · last attempt ${formatDateTime(endpoint.lastAt)}: ${endpoint.lastStatus ?? endpoint.lastError ?? "—"}` : " · no deliveries yet"}
                  </p>
                  {(endpoint.pendingCount > 0 || endpoint.gaveUpCount > 0) && (
                    <p className="text-xs text-muted-foreground">
                      {endpoint.pendingCount > 0 &&
                        `${endpoint.pendingCount} pending${
                          !endpoint.enabled
                            ? ", held until the endpoint is enabled"
                            : endpoint.nextAttemptAt
                              ? `, next attempt ${formatDateTime(endpoint.nextAttemptAt)}`
                              : ""
                        }`}
                      {endpoint.pendingCount > 0 && endpoint.gaveUpCount > 0 && " · "}
                      {endpoint.gaveUpCount > 0 && `${endpoint.gaveUpCount} given up`}
                    </p>
                  )}
                </div>
                <div className="flex gap-2">
                  <Button variant="outline" size="sm" onClick={() => update.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}>
                    {endpoint.enabled ? "Disable" : "Enable"}
                  </Button>
                  <Button variant="outline" size="sm" onClick={() => remove.mutate({ id: endpoint.id })}>
                    Delete
                  </Button>
                </div>
              </div>
              <Deliveries endpointId={endpoint.id} />
            </li>
          ))}
        </ul>
      </CardContent>
      <ShownOnce title="Signing secret of the new endpoint" value={shown} onClose={() => setShown(null)}>
        <p className="text-sm text-muted-foreground">Verify each delivery with this secret (e.g. the standardwebhooks library).</p>
      </ShownOnce>
    </Card>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const deliveries = useQuery({ ...trpc.settings.webhookEndpoints.deliveries.queryOptions({ endpointId, limit: 50 }), enabled: open });
  return (
    <Collapsible open={open} onOpenChange={setOpen}>
      <CollapsibleTrigger asChild>
        <Button variant="ghost" size="sm" className="-ml-2 w-fit">
          <ChevronDownIcon className={open ? "rotate-180 transition-transform" : "transition-transform"} aria-hidden /> Delivery attempts
        </Button>
      </CollapsibleTrigger>
      <CollapsibleContent>
        {deliveries.isLoading && <p className="text-sm text-muted-foreground">Loading…</p>}
        {deliveries.data?.length === 0 && <p className="text-sm text-muted-foreground">No attempts yet.</p>}
        <ul className="divide-y rounded-md border text-sm">
          {deliveries.data?.map((d) => {
            const ok = d.responseStatus !== null && d.responseStatus >= 200 && d.responseStatus < 300;
            return (
              <li key={d.id} className="grid gap-0.5 px-3 py-2">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge variant={ok ? "success" : "destructive"}>{d.responseStatus ?? "no answer"}</Badge>
                  <code className="text-xs">{d.eventType}</code>
                  <span className="text-xs text-muted-foreground">
                    attempt {d.attempt} of {WEBHOOK_MAX_ATTEMPTS}
                  </span>
                  {d.messageStatus === "GAVE_UP" && <Badge variant="destructive">gave up</Badge>}
                  {d.messageStatus === "PENDING" && d.nextAttemptAt && (
                    <span className="text-xs text-muted-foreground">next attempt {formatDateTime(d.nextAttemptAt)}</span>
                  )}
                </div>
                <div className="text-xs break-all text-muted-foreground">
                  {formatDateTime(d.at)} · {d.messageId}
                  {d.error ? ` · ${d.error}` : ""}
                </div>
              </li>
            );
          })}
        </ul>
      </CollapsibleContent>
    </Collapsible>
  );
}
