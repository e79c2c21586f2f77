import { randomUUID } from "node:crypto";
import type { Db, Queryable } from "@/db/client";
import type { MemberRole } from "@/db/schema/enums";
import { seedTenantData } from "@/db/seed/generate";
import { createCaller } from "@/server/trpc/routers/_app";
import { createTenant, createUserWithMembership } from "@/server/tenants/create-tenant";

/** A tenant with one user of the given role, and its default monthly cycle. */
export async function createTenantWithUser(db: Queryable, options: { role?: MemberRole; name?: string } = {}) {
  const suffix = randomUUID().slice(0, 8);
  const name = options.name ?? `Tenant ${suffix}`;
  const { tenantId, billingCycleId } = await createTenant(db, {
    name,
    slug: `t-${suffix}`,
    profile: {
      legalName: `${name} GmbH`,
      addressLine: "Hauptstraße 1",
      city: "Berlin",
      postalCode: "10115",
      country: "DE",
      vatId: "DE123456789",
      iban: "DE89370400440532013000",
    },
  });
  const role = options.role ?? "owner";
  const { userId } = await createUserWithMembership(db, {
    email: `user-${suffix}@example.com`,
    name: `User ${suffix}`,
    password: "correct-horse-battery",
    tenantId,
    role,
  });
  return { tenantId, billingCycleId, userId, role };
}

/** Accounts, subscriptions, charges and rated items for a tenant (usage dates 2026-10-01 … +45 days). */
export async function seedSmallTenant(
  db: Queryable,
  tenant: { tenantId: string; billingCycleId: string },
  options: { accounts?: number; items?: number; creditEvery?: number } = {},
) {
  return seedTenantData(db, {
    tenantId: tenant.tenantId,
    billingCycleId: tenant.billingCycleId,
    accounts: options.accounts ?? 10,
    items: options.items ?? 200,
    tag: `S${randomUUID().slice(0, 6).toUpperCase()}`,
    creditEvery: options.creditEvery ?? 0,
  });
}

/** A tRPC caller acting as the given member, exactly as a signed-in dashboard user. */
export function callerFor(db: Db, member: { tenantId: string; userId: string; role: MemberRole }) {
  return createCaller({
    db,
    viewer: {
      userId: member.userId,
      name: "Test user",
      email: "test@example.com",
      tenantId: member.tenantId,
      tenantName: "Test tenant",
      role: member.role,
    },
  });
}
