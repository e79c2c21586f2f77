"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { MailIcon, SendIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { formatDateTime } from "@/lib/format";
import { errorMessage } from "./shown-once";

const roles = [
  { value: "operator", label: "Operator — ingest, create and process runs" },
  { value: "viewer", label: "Viewer — read only" },
  { value: "admin", label: "Admin — everything" },
] as const;

/** Members join by invitation only: an admin invites an e-mail address with a role; the link sets their password. */
export function MembersCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.settings.members.invitations.queryOptions());
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<(typeof roles)[number]["value"]>("operator");
  const invite = useToastingMutation(
    trpc.settings.members.invite.mutationOptions({
      onSuccess: (sent) => {
        toast.success(`Invitation sent to ${sent.email}`);
        setEmail("");
        void queryClient.invalidateQueries({ queryKey: trpc.settings.members.invitations.queryKey() });
      },
    }),
    "The invitation was not sent",
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>Members</CardTitle>
        <CardDescription>Sign-up is by invitation: the invitee gets an e-mail with a link to set a password and join this organization (valid 7 days).</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form
          className="grid gap-3 sm:grid-cols-[1fr_minmax(0,16rem)_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            invite.mutate({ email, role });
          }}
        >
          <div className="grid gap-1.5">
            <Label htmlFor="invite-email">E-mail</Label>
            <Input id="invite-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="colleague@example.com" required />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="invite-role">Role</Label>
            <Select value={role} onValueChange={(v) => setRole(v as typeof role)}>
              <SelectTrigger id="invite-role" className="min-h-11 w-full">
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
          <Button type="submit" className="min-h-11" disabled={invite.isPending || !email.trim()}>
            <SendIcon aria-hidden /> Invite
          </Button>
        </form>
        {invitations.isError && <p className="text-sm text-destructive">{errorMessage(invitations.error)}</p>}
        {invitations.data && invitations.data.length > 0 && (
          <ul className="divide-y rounded-md border" aria-label="Pending invitations">
            {invitations.data.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2.5">
                <MailIcon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                <span className="min-w-0 flex-1 truncate">{i.email}</span>
                <Badge variant="outline">{i.role}</Badge>
                <span className="text-xs text-muted-foreground">until {formatDateTime(i.expiresAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
