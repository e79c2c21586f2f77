import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AppShell } from "@/components/app-shell/app-shell";
import { getDb } from "@/db";
import { resolveMembership } from "@/server/auth/viewer";
import { onboardingPath } from "@/server/tenants/onboarding";
import { getSession } from "./session";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  // Request-time only: `next build` must never open the embedded database.
  await connection();
  const session = await getSession();
  if (!session) redirect("/login");
  const db = await getDb();
  const membership = await resolveMembership(db, session.user.id, session.session.activeOrganizationId);
  // a new organization states its seller identity first: every invoice (and so every run) needs it
  const onboarding = await onboardingPath(db, membership?.tenantId);
  if (onboarding) redirect(onboarding);
  return (
    <AppShell
      user={{ name: session.user.name, email: session.user.email }}
      tenantName={membership?.tenantName ?? "No organization"}
      role={membership?.role ?? null}
    >
      {children}
    </AppShell>
  );
}
