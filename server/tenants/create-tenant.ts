import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import type { Queryable } from "@/db/client";
import { account, billingCycles, member, organization, tenantProfiles, user } from "@/db/schema";
import type { MemberRole } from "@/db/schema/enums";
import { ensureDefaultRules } from "@/server/billing/rules";

export type NewTenant = {
  name: string;
  slug: string;
  profile: Omit<typeof tenantProfiles.$inferInsert, "tenantId">;
};

/** Creates an organization (tenant) with its seller profile, a default monthly billing cycle and validation rules. */
export async function createTenant(db: Queryable, input: NewTenant) {
  const tenantId = randomUUID();
  await db.insert(organization).values({ id: tenantId, name: input.name, slug: input.slug });
  await db.insert(tenantProfiles).values({ tenantId, ...input.profile });
  const [cycle] = await db
    .insert(billingCycles)
    .values({ tenantId, name: "Monthly (1st)", dayOfMonth: 1, invoiceDateDelayDays: 0, dueDateDelayDays: 30 })
    .returning({ id: billingCycles.id });
  await ensureDefaultRules(db, tenantId);
  return { tenantId, billingCycleId: cycle.id };
}

/** Creates a user with an e-mail + password login (better-auth credential account) and a membership. */
export async function createUserWithMembership(
  db: Queryable,
  input: { email: string; name: string; password: string; tenantId: string; role: MemberRole },
) {
  const userId = randomUUID();
  await db.insert(user).values({ id: userId, email: input.email.toLowerCase(), name: input.name, emailVerified: true });
  await db.insert(account).values({
    id: randomUUID(),
    accountId: userId,
    providerId: "credential",
    userId,
    password: await hashPassword(input.password),
  });
  await addMembership(db, { userId, tenantId: input.tenantId, role: input.role });
  return { userId };
}

export async function addMembership(db: Queryable, input: { userId: string; tenantId: string; role: MemberRole }) {
  await db.insert(member).values({ id: randomUUID(), organizationId: input.tenantId, userId: input.userId, role: input.role });
}
