import { and, asc, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { member, organization } from "@/db/schema";
import type { MemberRole } from "@/db/schema/enums";
import type { Auth } from "./auth";
import { isMemberRole } from "./roles";

/** Who is asking: the signed-in user and the tenant (organization) they act for. */
export type Viewer = {
  userId: string;
  name: string;
  email: string;
  tenantId: string | null;
  tenantName: string | null;
  role: MemberRole | null;
};

/** The user's membership in the active organization, or their first one. */
export async function resolveMembership(
  db: Queryable,
  userId: string,
  activeOrganizationId: string | null | undefined,
): Promise<{ tenantId: string; tenantName: string; role: MemberRole } | null> {
  const rows = await db
    .select({ tenantId: member.organizationId, role: member.role, tenantName: organization.name })
    .from(member)
    .innerJoin(organization, eq(organization.id, member.organizationId))
    .where(
      activeOrganizationId
        ? and(eq(member.userId, userId), eq(member.organizationId, activeOrganizationId))
        : eq(member.userId, userId),
    )
    .orderBy(asc(member.createdAt))
    .limit(1);
  const row = rows[0];
  if (!row && activeOrganizationId) return resolveMembership(db, userId, null);
  if (!row || !isMemberRole(row.role)) return null;
  return { tenantId: row.tenantId, tenantName: row.tenantName, role: row.role };
}

/** The signed-in viewer of a request (its session cookie), through the app's better-auth instance or the one passed. */
export async function getViewer(db: Queryable, headers: Headers, sessionAuth?: Pick<Auth, "api">): Promise<Viewer | null> {
  const auth = sessionAuth ?? (await (await import("./index")).getAuth());
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const membership = await resolveMembership(db, session.user.id, session.session.activeOrganizationId);
  return {
    userId: session.user.id,
    name: session.user.name,
    email: session.user.email,
    tenantId: membership?.tenantId ?? null,
    tenantName: membership?.tenantName ?? null,
    role: membership?.role ?? null,
  };
}
