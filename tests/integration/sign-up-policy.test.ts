import { eq, sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { user } from "@/db/schema";
import { createAuth, type AuthOrigins } from "@/server/auth/auth";
import { resolveMembership } from "@/server/auth/viewer";
import { createTenant } from "@/server/tenants/create-tenant";
import { acceptInvitationRequest } from "@/server/tenants/invitation-endpoint";
import { callerFor, createTenantWithUser } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";

// Sign-up is invite-only: better-auth's own sign-up and organization endpoints refuse; an admin invites by e-mail, the
// invitee sets a password and joins that tenant. A tenant without seller profile cannot create runs.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());
const db = () => database.db;

const APP = "http://localhost:3000";
const origins: AuthOrigins = { appUrl: APP, trustedOrigins: [], production: true };
const headers = { "content-type": "application/json", origin: APP, "sec-fetch-site": "same-origin" };
const countRows = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db(), query))[0].n;

async function signUp(openSignUp: boolean, email: string) {
  const auth = createAuth(db(), origins, { openSignUp });
  return auth.handler(
    new Request(`${APP}/api/auth/sign-up/email`, { method: "POST", headers, body: JSON.stringify({ email, password: "long-enough-password", name: "Mallory" }) }),
  );
}

describe("sign-up policy", () => {
  it("refuses open sign-up through better-auth's endpoint unless OPEN_SIGNUP is on", async () => {
    const refused = await signUp(false, "mallory@example.com");
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await countRows(sql`SELECT count(*)::int AS n FROM "user" WHERE email = 'mallory@example.com'`)).toBe(0);
    // the setting opens it
    expect((await signUp(true, "opened@example.com")).status).toBe(200);
  });

  it("refuses organization creation through better-auth's endpoint", async () => {
    const member = await createTenantWithUser(db(), { role: "owner" });
    const [{ email }] = await db().select({ email: user.email }).from(user).where(eq(user.id, member.userId));
    const auth = createAuth(db(), origins, { openSignUp: false });
    const signedIn = await auth.api.signInEmail({ body: { email, password: "correct-horse-battery" }, asResponse: true });
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0];
    const before = await countRows(sql`SELECT count(*)::int AS n FROM organization`);
    const created = await auth.handler(
      new Request(`${APP}/api/auth/organization/create`, { method: "POST", headers: { ...headers, cookie }, body: JSON.stringify({ name: "Shadow Inc", slug: `shadow-${member.userId.slice(0, 8)}` }) }),
    );
    expect(created.status).toBe(403);
    expect(await countRows(sql`SELECT count(*)::int AS n FROM organization`)).toBe(before);
  });

  it("an admin invites by e-mail; the invitee sets a password, joins that tenant with the role, and signs in", async () => {
    const admin = await createTenantWithUser(db(), { role: "admin" });
    const caller = callerFor(db(), admin);
    const email = `new-${admin.tenantId.slice(0, 8)}@example.com`;
    const invited = await caller.settings.members.invite({ email: email.toUpperCase(), role: "operator" });
    expect(invited).toMatchObject({ email, role: "operator" });
    await expect(caller.settings.members.invite({ email, role: "operator" })).rejects.toThrow(/pending invitation/);
    expect((await caller.settings.members.invitations()).map((i) => i.email)).toEqual([email]);
    // the e-mail went through the notification path (the outbox without a Resend key), with the link
    const [mail] = await queryRows<{ text: string; to: string[] }>(db(), sql`SELECT text, "to" FROM email_outbox WHERE tenant_id = ${admin.tenantId} AND idempotency_key = ${`invitation:${invited.id}`}`);
    expect(mail.to).toEqual([email]);
    expect(mail.text).toContain(`/invite/${invited.id}`);

    const accept = (body: unknown) => acceptInvitationRequest(db(), new Request(`${APP}/api/invitations/${invited.id}/accept`, { method: "POST", headers, body: JSON.stringify(body) }), invited.id);
    const short = await accept({ name: "Nina", password: "short" });
    expect(short.status).toBe(400);
    expect((await short.json()).errors).toEqual([expect.objectContaining({ field: "password" })]);
    const joined = await accept({ name: "Nina", password: "a-long-enough-password" });
    expect(joined.status).toBe(201);
    expect((await accept({ name: "Nina", password: "a-long-enough-password" })).status).toBe(404);

    const [nina] = await db().select({ id: user.id }).from(user).where(eq(user.email, email));
    expect(await resolveMembership(db(), nina.id, null)).toMatchObject({ tenantId: admin.tenantId, role: "operator" });
    const auth = createAuth(db(), origins, { openSignUp: false });
    expect((await auth.api.signInEmail({ body: { email, password: "a-long-enough-password" }, asResponse: true })).status).toBe(200);
  });

  it("a viewer cannot invite", async () => {
    const viewer = await createTenantWithUser(db(), { role: "viewer" });
    const error = await callerFor(db(), viewer).settings.members.invite({ email: "x@example.com", role: "admin" }).catch((e: TRPCError) => e);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
  });
});

describe("onboarding", () => {
  it("a tenant without seller profile cannot create a run, with a clear error", async () => {
    const owner = await createTenantWithUser(db(), { role: "owner" });
    const { tenantId, billingCycleId } = await createTenant(db(), {
      name: "Fresh Co",
      slug: `fresh-${owner.tenantId.slice(0, 8)}`,
      profile: { legalName: "Fresh Co", addressLine: "x", city: "y", postalCode: "1", country: "DE", vatId: "DE1" },
    });
    await db().execute(sql`DELETE FROM tenant_profiles WHERE tenant_id = ${tenantId}`);
    const caller = callerFor(db(), { tenantId, userId: owner.userId, role: "owner" });
    const error = await caller.billingRuns
      .create({ type: "CYCLE", billingCycleId, invoiceDate: "2026-11-30", cutoffDate: "2026-11-30" })
      .catch((e: TRPCError) => e);
    expect((error as TRPCError).code).toBe("PRECONDITION_FAILED");
    expect((error as TRPCError).message).toMatch(/seller profile/);
    expect(await countRows(sql`SELECT count(*)::int AS n FROM billing_runs WHERE tenant_id = ${tenantId}`)).toBe(0);
  });
});
