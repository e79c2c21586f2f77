import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { nextCookies } from "better-auth/next-js";
import { organization } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { env } from "@/server/env";
import { assertTenantDeletable } from "@/server/tenants/tenant-deletion";

// Organizations are tenants. Billrun's four roles map onto better-auth's access control;
// what each role may do in billing is decided in server/auth/roles.ts.
const ac = createAccessControl(defaultStatements);
const roles = {
  owner: ac.newRole(ownerAc.statements),
  admin: ac.newRole(adminAc.statements),
  operator: ac.newRole(memberAc.statements),
  viewer: ac.newRole(memberAc.statements),
};

export function createAuth(db: Db) {
  const appUrl = env.APP_URL;
  return betterAuth({
    appName: "Billrun",
    baseURL: appUrl,
    secret: env.BETTER_AUTH_SECRET,
    trustedOrigins: [appUrl, ...(env.TRUSTED_ORIGINS?.split(",").filter(Boolean) ?? [])],
    database: drizzleAdapter(db, { provider: "pg", schema }),
    emailAndPassword: { enabled: true, minPasswordLength: 8 },
    plugins: [
      organization({
        ac,
        roles,
        creatorRole: "owner",
        organizationHooks: { beforeDeleteOrganization: ({ organization: tenant }) => assertTenantDeletable(db, tenant) },
      }),
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
