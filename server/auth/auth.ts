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

// Organizations are tenants. Billrun's five roles map onto better-auth's access control;
// what each role may do in billing is decided in server/auth/roles.ts.
const ac = createAccessControl(defaultStatements);
const roles = {
  owner: ac.newRole(ownerAc.statements),
  admin: ac.newRole(adminAc.statements),
  approver: ac.newRole(memberAc.statements),
  operator: ac.newRole(memberAc.statements),
  viewer: ac.newRole(memberAc.statements),
};

export type AuthOrigins = {
  /** APP_URL: the public URL of the app (links, redirects); always trusted. */
  appUrl: string;
  /** TRUSTED_ORIGINS: further origins allowed to call the auth endpoints (comma-separated in the environment). */
  trustedOrigins: string[];
  /** Outside production the origin the request was sent to is trusted too, so `next dev` works on any host and port. */
  production: boolean;
};

export function authOriginsFromEnv(): AuthOrigins {
  return {
    appUrl: env.APP_URL.replace(/\/$/, ""),
    trustedOrigins: env.TRUSTED_ORIGINS?.split(",").map((origin) => origin.trim()).filter(Boolean) ?? [],
    production: (env.NODE_ENV ?? process.env.NODE_ENV) === "production",
  };
}

/**
 * The origins a browser may sign in from. Production: APP_URL and TRUSTED_ORIGINS only. Development: also the
 * request's own origin (the dev server's host and port, or what a dev proxy forwards), so `PORT=3101 npm run dev`
 * or http://127.0.0.1:3000 work without setting APP_URL.
 */
export function trustedOriginsFor(origins: AuthOrigins, request?: Request): string[] {
  const fixed = [origins.appUrl, ...origins.trustedOrigins];
  if (origins.production || !request) return fixed;
  return [...fixed, ...requestOrigins(request)];
}

function requestOrigins(request: Request): string[] {
  const found: string[] = [];
  try {
    const url = new URL(request.url);
    found.push(url.origin);
    const forwardedHost = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
    const host = forwardedHost || request.headers.get("host");
    if (host) {
      const protocol = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || url.protocol.replace(/:$/, "");
      found.push(new URL(`${protocol}://${host}`).origin);
    }
  } catch {
    // a request URL or host that does not parse trusts nothing extra
  }
  return found;
}

/** Who may create accounts and organizations through better-auth's own endpoints. */
export type SignUpPolicy = {
  /** OPEN_SIGNUP=1: anyone may sign up and create an organization (which then completes its seller profile first). */
  openSignUp: boolean;
};

export const signUpPolicyFromEnv = (): SignUpPolicy => ({ openSignUp: env.OPEN_SIGNUP });

/**
 * Invite-only by default: /sign-up/email and /organization/create are refused; users join through an admin's
 * invitation (server/tenants/invitations.ts), tenants are created by the operator (seed, createTenant).
 */
export function createAuth(db: Db, origins: AuthOrigins = authOriginsFromEnv(), policy: SignUpPolicy = signUpPolicyFromEnv()) {
  return betterAuth({
    appName: "Billrun",
    baseURL: origins.appUrl,
    secret: env.BETTER_AUTH_SECRET,
    trustedOrigins: (request) => trustedOriginsFor(origins, request),
    // better-auth skips the origin check when NODE_ENV is "test"; Billrun's tests exercise the real check.
    advanced: { disableOriginCheck: false },
    // Sign-in and the other auth endpoints are limited per client address by Billrun's own limiter in Postgres, shared by
    // every app process (app/api/auth/[...all]/route.ts, AUTH_RATE_LIMIT_PER_MINUTE); better-auth's in-memory one
    // (3 sign-ins per 10 s per process) would only add a second, per-process count.
    rateLimit: { enabled: false },
    database: drizzleAdapter(db, { provider: "pg", schema }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, disableSignUp: !policy.openSignUp },
    plugins: [
      organization({
        ac,
        roles,
        creatorRole: "owner",
        allowUserToCreateOrganization: () => policy.openSignUp,
        organizationHooks: { beforeDeleteOrganization: ({ organization: tenant }) => assertTenantDeletable(db, tenant) },
      }),
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
