import { sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createApiKey } from "@/server/api/api-keys";
import { getSellerIdentityEndpoint, saveSellerIdentityEndpoint } from "@/server/api/routes/seller-profile";
import { createAuth, type AuthOrigins } from "@/server/auth/auth";
import { onboardingPath } from "@/server/tenants/onboarding";
import { callerFor } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest } from "./api-support";

// Onboarding: an organization created through open sign-up has no seller profile. The dashboard sends its members to
// /onboarding (onboardingPath), runs are refused (412) until an admin saves the seller identity — on that page (tRPC)
// or through REST, one service and one zod schema — which also gives it a billing cycle and the default rules.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());
const db = () => database.db;

const APP = "http://localhost:3000";
const origins: AuthOrigins = { appUrl: APP, trustedOrigins: [], production: true };
const headers = { "content-type": "application/json", origin: APP, "sec-fetch-site": "same-origin" };
const count = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db(), query))[0].n;

/** A user who signed up and created an organization through better-auth's endpoints with OPEN_SIGNUP on. */
async function openSignUpOrganization(email: string) {
  const auth = createAuth(db(), origins, { openSignUp: true });
  const signedUp = await auth.handler(
    new Request(`${APP}/api/auth/sign-up/email`, { method: "POST", headers, body: JSON.stringify({ email, password: "long-enough-password", name: "Olga" }) }),
  );
  expect(signedUp.status).toBe(200);
  const cookie = signedUp.headers.get("set-cookie")!.split(";")[0];
  const created = await auth.handler(
    new Request(`${APP}/api/auth/organization/create`, { method: "POST", headers: { ...headers, cookie }, body: JSON.stringify({ name: "Fresh Co", slug: `fresh-${Date.now()}` }) }),
  );
  expect(created.status).toBe(200);
  const { id: tenantId } = (await created.json()) as { id: string };
  const [{ userId }] = await queryRows<{ userId: string }>(db(), sql`SELECT user_id AS "userId" FROM member WHERE organization_id = ${tenantId}`);
  return { tenantId, userId };
}

const identity = { legalName: "Fresh Co GmbH", addressLine: "Neue Straße 5", city: "Hamburg", postalCode: "20095", country: "DE", vatId: "DE811907980" };

describe("onboarding of a new organization", () => {
  it("sends it to /onboarding and refuses runs until its admin saves the seller identity; then it can bill", async () => {
    const { tenantId, userId } = await openSignUpOrganization("olga@fresh.example");
    expect(await onboardingPath(db(), tenantId)).toBe("/onboarding");
    const owner = callerFor(db(), { tenantId, userId, role: "owner" });
    expect(await owner.settings.sellerIdentity.get()).toMatchObject({ legalName: "", complete: false });

    // the form's input is refused field by field, nothing stored
    const refused = await owner.settings.sellerIdentity.save({ ...identity, country: "UK", vatId: "123" }).catch((e: TRPCError) => e);
    expect((refused as TRPCError).code).toBe("BAD_REQUEST");
    expect((refused as TRPCError).message).toMatch(/country/);
    expect(await count(sql`SELECT count(*)::int AS n FROM tenant_profiles WHERE tenant_id = ${tenantId}`)).toBe(0);

    // a viewer of that organization cannot complete it
    const viewer = callerFor(db(), { tenantId, userId, role: "viewer" });
    expect(((await viewer.settings.sellerIdentity.save(identity).catch((e: TRPCError) => e)) as TRPCError).code).toBe("FORBIDDEN");

    const saved = await owner.settings.sellerIdentity.save({ ...identity, email: "billing@fresh.example" });
    expect(saved).toMatchObject({ ...identity, email: "billing@fresh.example", defaultCurrency: "EUR", complete: true });
    expect(await onboardingPath(db(), tenantId)).toBeNull();
    // what createTenant gives every organization: a billing cycle and the default validation rules
    const [cycle] = await queryRows<{ id: string }>(db(), sql`SELECT id FROM billing_cycles WHERE tenant_id = ${tenantId}`);
    expect(cycle).toBeDefined();
    expect(await count(sql`SELECT count(*)::int AS n FROM validation_rules WHERE tenant_id = ${tenantId}`)).toBeGreaterThan(0);
    const run = await owner.billingRuns.create({ type: "CYCLE", billingCycleId: cycle.id, invoiceDate: "2026-11-30", cutoffDate: "2026-11-30" });
    expect(run.id).toBeTruthy();

    // saving again changes the identity, keeps the single cycle
    await owner.settings.sellerIdentity.save({ ...identity, legalName: "Fresh Company GmbH" });
    expect(await count(sql`SELECT count(*)::int AS n FROM billing_cycles WHERE tenant_id = ${tenantId}`)).toBe(1);
    expect((await owner.settings.sellerIdentity.get()).legalName).toBe("Fresh Company GmbH");
  });

  it("REST twin: GET and POST /api/v1/seller-profile over the same service; admin keys only; a bad field is named", async () => {
    const { tenantId, userId } = await openSignUpOrganization("rest@fresh.example");
    const admin = (await createApiKey(db(), tenantId, { name: "admin", role: "admin" }, userId)).key;
    const operator = (await createApiKey(db(), tenantId, { name: "operator", role: "operator" }, userId)).key;
    const post = (key: string, body: unknown) => call(saveSellerIdentityEndpoint, db(), jsonRequest("POST", "/api/v1/seller-profile", { key, body }));

    expect((await call(getSellerIdentityEndpoint, db(), jsonRequest("GET", "/api/v1/seller-profile", { key: operator }))).body).toMatchObject({ complete: false });
    expect((await post(operator, identity)).status).toBe(403);
    const bad = await post(admin, { ...identity, postalCode: "  " });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: "postalCode" })]);
    expect(await onboardingPath(db(), tenantId)).toBe("/onboarding");

    const ok = await post(admin, identity);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ...identity, complete: true });
    expect(await onboardingPath(db(), tenantId)).toBeNull();
  });
});
