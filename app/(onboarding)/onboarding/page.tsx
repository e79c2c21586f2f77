import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getSession } from "@/app/(dashboard)/session";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db";
import { roleAllows } from "@/server/auth/roles";
import { resolveMembership } from "@/server/auth/viewer";
import { getSellerIdentity } from "@/server/tenants/onboarding";
import { SellerIdentityForm } from "./_components/seller-identity-form";

export const metadata: Metadata = { title: "Set up your organization" };

/** A new organization states who bills (legal name, address, VAT id) before its first run; then it goes on to the runs. */
export default async function OnboardingPage() {
  await connection();
  const session = await getSession();
  if (!session) redirect("/login?next=/onboarding");
  const db = await getDb();
  const membership = await resolveMembership(db, session.user.id, session.session.activeOrganizationId);
  if (!membership) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>
            <h1 className="text-xl">No organization yet</h1>
          </CardTitle>
          <CardDescription>Your account belongs to no organization. Ask an admin of your organization for an invitation.</CardDescription>
        </CardHeader>
      </Card>
    );
  }
  const identity = await getSellerIdentity(db, membership.tenantId);
  if (identity.complete) redirect("/billing-runs");
  const canSave = roleAllows(membership.role, "administer");
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h1 className="text-xl">Set up {membership.tenantName}</h1>
        </CardTitle>
        <CardDescription>
          Every invoice states who issues it: your legal name, address and VAT id. Billing runs start once these are filled in.
          {canSave ? "" : " Only an admin of the organization can fill them in: ask one of them."}
        </CardDescription>
      </CardHeader>
      <CardContent>{canSave && <SellerIdentityForm initial={identity} />}</CardContent>
    </Card>
  );
}
