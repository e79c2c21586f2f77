import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { account, invitation, user } from "@/db/schema";
import { recordAudit } from "@/server/audit/audit-log";
import { conflict, DomainError, notFound } from "@/server/errors";
import { runtime } from "@/server/runtime";
import { addMembership } from "./create-tenant";

// Invite-only membership: open sign-up and organization creation are off in better-auth (server/auth/auth.ts); an
// admin invites by e-mail, the invitee opens the link, sets a name and password and joins that tenant.

const INVITATION_DAYS = 7;
export const INVITABLE_ROLES = ["admin", "operator", "viewer"] as const;

export const inviteMemberInput = z.object({
  email: z.email("must be an e-mail address").max(254).transform((e) => e.toLowerCase()),
  role: z.enum(INVITABLE_ROLES, `must be one of ${INVITABLE_ROLES.join(", ")}`),
});
export const acceptInvitationInput = z.object({
  invitationId: z.uuid("must be a UUID"),
  name: z.string().trim().min(1, "must not be empty").max(100),
  password: z.string().min(12, "must be at least 12 characters").max(128, "must be at most 128 characters"),
});

export const invitationUrl = (appUrl: string, id: string) => `${appUrl}/invite/${id}`;

/** Invites an e-mail address to the tenant with a role; the e-mail goes through the notification path (outbox, Resend). */
export async function inviteMember(db: Db, tenantId: string, inviterUserId: string, rawInput: z.input<typeof inviteMemberInput>) {
  const input = inviteMemberInput.parse(rawInput);
  const [existing] = await queryRows<{ member: boolean; pending: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM member m JOIN "user" u ON u.id = m.user_id WHERE m.organization_id = ${tenantId} AND lower(u.email) = ${input.email}) AS member,
               EXISTS (SELECT 1 FROM invitation WHERE organization_id = ${tenantId} AND lower(email) = ${input.email} AND status = 'pending' AND expires_at > now()) AS pending`,
  );
  if (existing.member) throw conflict(`${input.email} is already a member of this organization`);
  if (existing.pending) throw conflict(`${input.email} already has a pending invitation`);
  const [tenant] = await queryRows<{ name: string }>(db, sql`SELECT name FROM organization WHERE id = ${tenantId}`);
  if (!tenant) throw notFound("Organization");

  const id = randomUUID();
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
  await db.transaction(async (tx) => {
    await tx.insert(invitation).values({ id, organizationId: tenantId, email: input.email, role: input.role, status: "pending", expiresAt, inviterId: inviterUserId });
    await recordAudit(tx, { tenantId, actor: { type: "USER", userId: inviterUserId }, action: "member.invite", entityType: "member", entityId: id, after: { email: input.email, role: input.role, expiresAt } });
  });
  const link = invitationUrl(runtime().settings.appUrl, id);
  // loaded when an invitation is sent: the Resend SDK and the e-mail renderer stay out of the settings router's graph
  // (which every dashboard page's tRPC route compiles on `next dev`'s first start)
  const { sendEmail } = await import("@/server/notifications/send-email");
  const email = await sendEmail(db, tenantId, {
    idempotencyKey: `invitation:${id}`,
    to: [input.email],
    subject: `You are invited to ${tenant.name} on Billrun`,
    text: `You are invited to join ${tenant.name} on Billrun as ${input.role}.\n\nSet your password and join: ${link}\n\nThe invitation expires on ${expiresAt.toISOString().slice(0, 10)}.`,
    html: `<p>You are invited to join <strong>${escapeHtml(tenant.name)}</strong> on Billrun as ${input.role}.</p><p><a href="${link}">Set your password and join</a></p><p>The invitation expires on ${expiresAt.toISOString().slice(0, 10)}.</p>`,
  });
  return { id, email: input.email, role: input.role, expiresAt, emailStatus: email.outcome };
}

/** Pending invitations of the tenant (Settings). */
export async function listInvitations(db: Queryable, tenantId: string) {
  return queryRows<{ id: string; email: string; role: string; status: string; expiresAt: string }>(
    db,
    sql`SELECT id, email, role, status, (to_json(expires_at) #>> '{}') AS "expiresAt" FROM invitation
        WHERE organization_id = ${tenantId} AND status = 'pending' AND expires_at > now() ORDER BY created_at DESC`,
  );
}

/** What the invitation page shows; null for an unknown, used or expired invitation. */
export async function openInvitation(db: Queryable, invitationId: string) {
  if (!z.uuid().safeParse(invitationId).success) return null;
  const [row] = await queryRows<{ id: string; email: string; role: string; tenantName: string; hasAccount: boolean }>(
    db,
    sql`SELECT i.id, i.email, i.role, o.name AS "tenantName", EXISTS (SELECT 1 FROM "user" u WHERE lower(u.email) = lower(i.email)) AS "hasAccount"
        FROM invitation i JOIN organization o ON o.id = i.organization_id
        WHERE i.id = ${invitationId} AND i.status = 'pending' AND i.expires_at > now()`,
  );
  return row ?? null;
}

/**
 * Accepts an invitation: creates the invitee's user with an e-mail + password login and the membership, and marks the
 * invitation accepted — in one transaction, at most once (the status update is conditional). An address that already
 * has an account is refused (that user signs in and is added by an admin), so an invitation never takes over a login.
 */
export async function acceptInvitation(db: Db, rawInput: z.input<typeof acceptInvitationInput>) {
  const input = acceptInvitationInput.parse(rawInput);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [claimed] = await queryRows<{ organizationId: string; email: string; role: string }>(
      tx,
      sql`UPDATE invitation SET status = 'accepted' WHERE id = ${input.invitationId} AND status = 'pending' AND expires_at > now()
          RETURNING organization_id AS "organizationId", lower(email) AS email, role`,
    );
    if (!claimed) throw new DomainError("NOT_FOUND", "This invitation is unknown, was already used or has expired: ask an admin for a new one");
    const [taken] = await queryRows<{ id: string }>(tx, sql`SELECT id FROM "user" WHERE lower(email) = ${claimed.email}`);
    if (taken) throw conflict(`${claimed.email} already has an account: sign in, and ask an admin to add it to the organization`);
    const userId = randomUUID();
    await tx.insert(user).values({ id: userId, email: claimed.email, name: input.name, emailVerified: true });
    await tx.insert(account).values({ id: randomUUID(), accountId: userId, providerId: "credential", userId, password: passwordHash });
    const role = (INVITABLE_ROLES as readonly string[]).includes(claimed.role) ? (claimed.role as (typeof INVITABLE_ROLES)[number]) : "viewer";
    await addMembership(tx, { userId, tenantId: claimed.organizationId, role });
    await recordAudit(tx, {
      tenantId: claimed.organizationId,
      actor: { type: "USER", userId },
      action: "member.join",
      entityType: "member",
      entityId: input.invitationId,
      before: { invitation: "pending" },
      after: { invitation: "accepted", email: claimed.email, role },
    });
    return { userId, email: claimed.email, tenantId: claimed.organizationId, role };
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
