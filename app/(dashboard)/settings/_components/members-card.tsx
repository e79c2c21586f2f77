"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { MailIcon, SendIcon } from "lucide-react";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatDateTime } from "@/lib/format";
import { RoleGrantForm, RoleGrantItem, RoleGrantList } from "./role-grant-form";
import { errorMessage } from "./shown-once";

/** Members join by invitation only: an admin invites an e-mail address with a role; the link sets their password. */
export function MembersCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.settings.members.invitations.queryOptions());
  const invite = useToastingMutation(
    trpc.settings.members.invite.mutationOptions({
      onSuccess: (sent) => {
        toast.success(`Invitation sent to ${sent.email}`);
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
        <RoleGrantForm
          idPrefix="invite"
          label="E-mail"
          type="email"
          placeholder="colleague@example.com"
          pending={invite.isPending}
          submit={
            <>
              <SendIcon aria-hidden /> Invite
            </>
          }
          onSubmit={(email, role) => invite.mutateAsync({ email, role }).then(() => true, () => false)}
        />
        {invitations.isError && <p className="text-sm text-destructive">{errorMessage(invitations.error)}</p>}
        {invitations.data && invitations.data.length > 0 && (
          <RoleGrantList label="Pending invitations">
            {invitations.data.map((i) => (
              <RoleGrantItem key={i.id} icon={MailIcon}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="min-w-0 truncate">{i.email}</span>
                  <Badge variant="outline">{i.role}</Badge>
                  <span className="text-xs text-muted-foreground">until {formatDateTime(i.expiresAt)}</span>
                </div>
              </RoleGrantItem>
            ))}
          </RoleGrantList>
        )}
      </CardContent>
    </Card>
  );
}
