import type { Metadata } from "next";
import { connection } from "next/server";
import { getDb } from "@/db";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { openInvitation } from "@/server/tenants/invitations";
import { AcceptInvitationForm } from "./_components/accept-invitation-form";

export const metadata: Metadata = { title: "Join your team" };

export default async function InvitationPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const invitation = await openInvitation(await getDb(), (await params).id);
  if (!invitation) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>
            <h1 className="text-xl">Invitation not valid</h1>
          </CardTitle>
          <CardDescription>This invitation is unknown, was already used or has expired. Ask an admin of your organization for a new one.</CardDescription>
        </CardHeader>
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1 className="text-xl">Join {invitation.tenantName}</h1>
        </CardTitle>
        <CardDescription>
          You are invited as {invitation.role} with {invitation.email}.
          {invitation.hasAccount ? " This address already has an account: sign in, and ask an admin to add you." : " Choose your name and a password."}
        </CardDescription>
      </CardHeader>
      <CardContent>{!invitation.hasAccount && <AcceptInvitationForm invitationId={invitation.id} email={invitation.email} />}</CardContent>
    </Card>
  );
}
