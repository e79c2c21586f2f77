import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { user } from "@/db/schema";
import { postAccounts } from "@/server/api/routes/ingest";
import { createAuth, type AuthOrigins } from "@/server/auth/auth";
import { getViewer } from "@/server/auth/viewer";
import { handleTrpcRequest } from "@/server/trpc/http-handler";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, tenantWithKey } from "./api-support";

// CSRF: a signed-in admin's browser visiting evil.example must not create an API key through the dashboard's tRPC
// mutations; the app's own pages and API-key requests are unaffected.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const APP = "http://localhost:3000";
const origins: AuthOrigins = { appUrl: APP, trustedOrigins: [], production: true };

async function adminSession() {
  const admin = await tenantWithKey(database.db, "admin");
  const [{ email }] = await database.db.select({ email: user.email }).from(user).where(eq(user.id, admin.userId));
  const auth = createAuth(database.db, origins);
  const signedIn = await auth.api.signInEmail({ body: { email, password: "correct-horse-battery" }, asResponse: true });
  const cookie = signedIn.headers.get("set-cookie")!.split(";")[0];
  return { ...admin, auth, cookie };
}

async function createKeyVia(session: Awaited<ReturnType<typeof adminSession>>, headers: Record<string, string>) {
  const request = new Request(`${APP}/api/trpc/settings.apiKeys.create`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: session.cookie, ...headers },
    body: JSON.stringify({ json: { name: "made by a page", role: "admin" } }),
  });
  const context = async () => ({ db: database.db, viewer: await getViewer(database.db, request.headers, session.auth) });
  return handleTrpcRequest(request, context, origins);
}

const keyCount = async (tenantId: string) =>
  (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = ${tenantId} AND name = 'made by a page'`))[0].n;

describe("cross-site requests with a session cookie", () => {
  it("refuses a tRPC mutation from a foreign Origin or marked cross-site, and creates no key", async () => {
    const session = await adminSession();
    const evil = await createKeyVia(session, { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(evil.status).toBe(403);
    expect((await evil.json()).detail).toMatch(/cross-site/);
    expect((await createKeyVia(session, { origin: "https://evil.example" })).status).toBe(403);
    expect((await createKeyVia(session, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await createKeyVia(session, { origin: "null" })).status).toBe(403);
    expect(await keyCount(session.tenantId)).toBe(0);

    // the app's own page
    const own = await createKeyVia(session, { origin: APP, "sec-fetch-site": "same-origin" });
    expect(own.status).toBe(200);
    expect(await keyCount(session.tenantId)).toBe(1);
  });

  it("leaves API-key requests alone (no ambient credentials)", async () => {
    const t = await tenantWithKey(database.db);
    const res = await call(
      postAccounts,
      database.db,
      jsonRequest("POST", "/api/v1/accounts", {
        key: t.key,
        headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
        body: { accounts: [{ externalId: "X-1", name: "X", currency: "EUR", country: "DE", addressLine: "a", city: "b", postalCode: "1" }] },
      }),
    );
    expect(res.status).toBe(200);
  });
});
