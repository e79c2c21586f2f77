import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth, type AuthOrigins } from "@/server/auth/auth";
import { resolveMembership } from "@/server/auth/viewer";
import { addMembership } from "@/server/tenants/create-tenant";
import { createTenantWithUser } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { user } from "@/db/schema";
import { eq } from "drizzle-orm";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

async function signIn(email: string, password: string) {
  const auth = createAuth(database.db);
  const response = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
  return { auth, response };
}

describe("auth (better-auth on our schema)", () => {
  it("signs in a seeded user with e-mail + password and resolves their tenant and role", async () => {
    const member = await createTenantWithUser(database.db, { role: "operator" });
    const [{ email }] = await database.db.select({ email: user.email }).from(user).where(eq(user.id, member.userId));
    const { auth, response } = await signIn(email, "correct-horse-battery");
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie")?.split(";")[0];
    expect(cookie).toMatch(/better-auth\.session_token=/);
    const session = await auth.api.getSession({ headers: new Headers({ cookie: cookie! }) });
    expect(session?.user.id).toBe(member.userId);
    const membership = await resolveMembership(database.db, member.userId, session?.session.activeOrganizationId);
    expect(membership).toMatchObject({ tenantId: member.tenantId, role: "operator" });
  });

  it("refuses a wrong password", async () => {
    const member = await createTenantWithUser(database.db);
    const [{ email }] = await database.db.select({ email: user.email }).from(user).where(eq(user.id, member.userId));
    const { response } = await signIn(email, "wrong-password-123");
    expect(response.status).toBe(401);
  });

  it("uses the active organization when the user belongs to several tenants", async () => {
    const a = await createTenantWithUser(database.db, { role: "owner" });
    const b = await createTenantWithUser(database.db, { role: "viewer" });
    await addMembership(database.db, { userId: a.userId, tenantId: b.tenantId, role: "viewer" });
    expect(await resolveMembership(database.db, a.userId, b.tenantId)).toMatchObject({ tenantId: b.tenantId, role: "viewer" });
    expect(await resolveMembership(database.db, a.userId, null)).toMatchObject({ tenantId: a.tenantId, role: "owner" });
    // an organization the user is not a member of falls back to their own
    expect(await resolveMembership(database.db, b.userId, a.tenantId)).toMatchObject({ tenantId: b.tenantId });
  });
});

describe("trusted origins (sign-in from the browser)", () => {
  // The dev server started with PORT=3101 while APP_URL keeps its default.
  async function signInFrom(origins: AuthOrigins, origin: string, url = `${origin}/api/auth/sign-in/email`) {
    const member = await createTenantWithUser(database.db);
    const [{ email }] = await database.db.select({ email: user.email }).from(user).where(eq(user.id, member.userId));
    const auth = createAuth(database.db, origins);
    return auth.handler(
      new Request(url, {
        method: "POST",
        headers: { "content-type": "application/json", origin, "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" },
        body: JSON.stringify({ email, password: "correct-horse-battery" }),
      }),
    );
  }
  const appUrl = "http://localhost:3000";

  it("in development, trusts the origin the dev server was reached on (any host and port)", async () => {
    const development = { appUrl, trustedOrigins: [], production: false };
    expect((await signInFrom(development, "http://localhost:3101")).status).toBe(200);
    expect((await signInFrom(development, "http://127.0.0.1:3000")).status).toBe(200);
    // not an arbitrary site, though: the origin must be the one the request was sent to
    expect((await signInFrom(development, "http://evil.example", "http://localhost:3101/api/auth/sign-in/email")).status).toBe(403);
  });

  it("in production, trusts APP_URL and TRUSTED_ORIGINS only", async () => {
    const production = { appUrl, trustedOrigins: ["https://admin.example.com"], production: true };
    const refused = await signInFrom(production, "http://localhost:3101");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/origin/i);
    expect((await signInFrom(production, appUrl)).status).toBe(200);
    expect((await signInFrom(production, "https://admin.example.com", "http://localhost:3000/api/auth/sign-in/email")).status).toBe(200);
  });
});
