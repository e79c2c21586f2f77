import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import type { Db } from "@/db/client";
import { createApiKey, type ApiKeyRole } from "@/server/api/api-keys";
import type { ApiHandler } from "@/server/api/endpoint";
import { listRuns } from "@/server/api/routes/billing-runs";
import { deleteExchangeRateEndpoint, getExchangeRates, postExchangeRate } from "@/server/api/routes/exchange-rates";
import {
  getDocumentProfileEndpoint,
  getEinvoiceProfileEndpoint,
  removeLogoEndpoint,
  saveDocumentProfileEndpoint,
  updateEinvoiceProfileEndpoint,
  uploadLogoEndpoint,
} from "@/server/api/routes/seller-profile";
import { callerFor, createTenantWithUser } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, tenantWithKey } from "./api-support";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());
const db = () => database.db;

describe("settings: API keys and webhook secrets", () => {
  it("shows a new key once, stores only its hash, lists the prefix and revokes it", async () => {
    const member = await createTenantWithUser(db(), { role: "admin" });
    const caller = callerFor(db(), member);
    const created = await caller.settings.apiKeys.create({ name: "ERP sync", role: "operator" });
    expect(created.key).toMatch(/^br_live_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);

    const [stored] = await queryRows<{ hash: string; prefix: string }>(db(), sql`SELECT hash, prefix FROM api_keys WHERE id = ${created.id}::uuid`);
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.hash).not.toContain(created.key);
    const list = await caller.settings.apiKeys.list();
    expect(list).toEqual([expect.objectContaining({ id: created.id, name: "ERP sync", prefix: created.prefix, role: "operator", revokedAt: null })]);
    expect(JSON.stringify(list)).not.toContain(created.key);

    const use = () => call(listRuns, db(), jsonRequest("GET", "/api/v1/billing-runs", { key: created.key }));
    expect((await use()).status).toBe(200);
    const [{ lastUsedAt }] = await caller.settings.apiKeys.list();
    expect(lastUsedAt).not.toBeNull();
    await caller.settings.apiKeys.revoke({ id: created.id });
    expect((await use()).status).toBe(401);
    expect((await caller.settings.apiKeys.list())[0].revokedAt).not.toBeNull();
  });

  it("lets only admins create keys, refuses an owner role for keys and hides other tenants' keys", async () => {
    const member = await createTenantWithUser(db(), { role: "admin" });
    const operator = callerFor(db(), { ...member, role: "operator" });
    await expect(operator.settings.apiKeys.create({ name: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = callerFor(db(), member);
    await expect(admin.settings.apiKeys.create({ name: "x", role: "owner" as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const { id } = await admin.settings.apiKeys.create({ name: "x" });
    const other = callerFor(db(), await createTenantWithUser(db(), { role: "owner" }));
    expect(await other.settings.apiKeys.list()).toEqual([]);
    await expect(other.settings.apiKeys.revoke({ id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("rotates webhook secrets: the new one is shown once, the old stays valid for the grace period", async () => {
    const member = await createTenantWithUser(db(), { role: "owner" });
    const caller = callerFor(db(), member);
    const first = await caller.settings.webhookSecrets.rotate({});
    const second = await caller.settings.webhookSecrets.rotate({ graceHours: 2 });
    expect(second.secret).toMatch(/^whsec_/);
    const list = await caller.settings.webhookSecrets.list();
    expect(list.map((s) => s.valid)).toEqual([true, true]);
    expect(list[1]).toMatchObject({ id: first.id, prefix: first.secret.slice(0, 12) });
    expect(list[1].expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(2 * 3600_000 + 5_000);
    expect(JSON.stringify(list)).not.toContain(first.secret);
    await caller.settings.webhookSecrets.rotate({ graceHours: 0 });
    expect((await caller.settings.webhookSecrets.list()).map((s) => s.valid)).toEqual([true, false, false]);
  });
});

// The seller profile and exchange-rate deletion over REST v1: the Settings page's services and zod schemas (parity).

/** A tenant with an admin, an operator and a viewer API key. */
async function tenantWithKeys(database: Db) {
  const t = await tenantWithKey(database, "admin");
  const keyFor = async (role: ApiKeyRole) => (await createApiKey(database, t.tenantId, { name: role, role }, t.userId)).key;
  return { ...t, admin: t.key, operator: await keyFor("operator"), viewer: await keyFor("viewer") };
}

const rest = (handler: ApiHandler, method: "GET" | "POST", path: string, key: string, body?: unknown, params?: Record<string, string>) =>
  call(handler, db(), jsonRequest(method, path, { key, body }), params);

const fields = (answer: { body: { errors?: { field: string }[] } }) => (answer.body.errors ?? []).map((e) => e.field);

// a 1×1 PNG
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

describe("REST v1: seller profile and exchange rates", () => {
  const einvoice = {
    contactName: "Billing desk",
    contactPhone: "+49 30 1234567",
    contactEmail: "billing@example.com",
    electronicAddressScheme: "0204",
    electronicAddress: "991-12345-67",
    vatAccountingCurrency: "EUR",
  };

  it("GET /seller-profile/einvoice: any key reads the tenant's own e-invoice data", async () => {
    const t = await tenantWithKeys(db());
    await callerFor(db(), t).settings.einvoiceProfile.update(einvoice);
    const other = await tenantWithKeys(db());
    const read = await rest(getEinvoiceProfileEndpoint, "GET", "/api/v1/seller-profile/einvoice", t.viewer);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ ...einvoice, defaultCurrency: expect.any(String) });
    const theirs = await rest(getEinvoiceProfileEndpoint, "GET", "/api/v1/seller-profile/einvoice", other.viewer);
    expect(theirs.body.contactName).toBeNull();
  });

  it("POST /seller-profile/einvoice: admin keys replace it; bad fields are named; operators are refused", async () => {
    const t = await tenantWithKeys(db());
    const saved = await rest(updateEinvoiceProfileEndpoint, "POST", "/api/v1/seller-profile/einvoice", t.admin, { ...einvoice, contactEmail: "" });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ ...einvoice, contactEmail: null });
    expect(await callerFor(db(), t).settings.einvoiceProfile.get()).toEqual(saved.body);

    const bad = await rest(updateEinvoiceProfileEndpoint, "POST", "/api/v1/seller-profile/einvoice", t.admin, {
      ...einvoice,
      electronicAddress: "",
      vatAccountingCurrency: "ZZZ",
    });
    expect(bad.status).toBe(400);
    expect(fields(bad).sort()).toEqual(["vatAccountingCurrency"]);
    const neither = await rest(updateEinvoiceProfileEndpoint, "POST", "/api/v1/seller-profile/einvoice", t.admin, { ...einvoice, electronicAddress: "" });
    expect(neither.status).toBe(400);
    expect(fields(neither)).toEqual(["electronicAddress"]);
    const refused = await rest(updateEinvoiceProfileEndpoint, "POST", "/api/v1/seller-profile/einvoice", t.operator, { ...einvoice, contactName: "Mallory" });
    expect(refused.status).toBe(403);
    expect((await callerFor(db(), t).settings.einvoiceProfile.get()).contactName).toBe("Billing desk");
  });

  it("GET /seller-profile/document: any key reads the footer, language and logo", async () => {
    const t = await tenantWithKeys(db());
    await callerFor(db(), t).settings.documentProfile.save({ tradeRegister: "Amtsgericht Berlin HRB 1", managingDirectors: "Ada", defaultLanguage: "de" });
    const read = await rest(getDocumentProfileEndpoint, "GET", "/api/v1/seller-profile/document", t.viewer);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ tradeRegister: "Amtsgericht Berlin HRB 1", managingDirectors: "Ada", defaultLanguage: "de", logo: null });
  });

  it("POST /seller-profile/document: admin keys save it; bad fields are named; operators are refused", async () => {
    const t = await tenantWithKeys(db());
    const body = { tradeRegister: "  HRB 42 ", managingDirectors: "", defaultLanguage: "fr" };
    const saved = await rest(saveDocumentProfileEndpoint, "POST", "/api/v1/seller-profile/document", t.admin, body);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ tradeRegister: "HRB 42", managingDirectors: null, defaultLanguage: "fr", logo: null });

    const bad = await rest(saveDocumentProfileEndpoint, "POST", "/api/v1/seller-profile/document", t.admin, { ...body, defaultLanguage: "xx", tradeRegister: "x".repeat(201) });
    expect(bad.status).toBe(400);
    expect(fields(bad).sort()).toEqual(["defaultLanguage", "tradeRegister"]);
    const refused = await rest(saveDocumentProfileEndpoint, "POST", "/api/v1/seller-profile/document", t.operator, { ...body, defaultLanguage: "en" });
    expect(refused.status).toBe(403);
    expect((await callerFor(db(), t).settings.documentProfile.get()).defaultLanguage).toBe("fr");
  });

  it("POST /seller-profile/logo: admin keys upload a PNG or JPEG; a mismatched or non-image file is refused on `data`; operators are refused", async () => {
    const t = await tenantWithKeys(db());
    const uploaded = await rest(uploadLogoEndpoint, "POST", "/api/v1/seller-profile/logo", t.admin, { mimeType: "image/png", data: PNG });
    expect(uploaded.status).toBe(200);
    expect(uploaded.body.logo).toEqual({ mimeType: "image/png", bytes: Buffer.from(PNG, "base64").length, dataUri: `data:image/png;base64,${PNG}` });

    const mismatched = await rest(uploadLogoEndpoint, "POST", "/api/v1/seller-profile/logo", t.admin, { mimeType: "image/jpeg", data: PNG });
    expect(mismatched.status).toBe(400);
    expect(mismatched.body.errors).toEqual([{ field: "data", message: "is image/png, declared image/jpeg" }]);
    const text = await rest(uploadLogoEndpoint, "POST", "/api/v1/seller-profile/logo", t.admin, { mimeType: "image/png", data: Buffer.from("hello").toString("base64") });
    expect(text.status).toBe(400);
    expect(fields(text)).toEqual(["data"]);
    const gif = await rest(uploadLogoEndpoint, "POST", "/api/v1/seller-profile/logo", t.admin, { mimeType: "image/gif", data: PNG });
    expect(fields(gif)).toEqual(["mimeType"]);
    const refused = await rest(uploadLogoEndpoint, "POST", "/api/v1/seller-profile/logo", t.operator, { mimeType: "image/png", data: PNG });
    expect(refused.status).toBe(403);
    expect((await callerFor(db(), t).settings.documentProfile.get()).logo?.mimeType).toBe("image/png");
  });

  it("POST /seller-profile/logo/remove: admin keys remove the logo; a body must be a JSON object; operators are refused", async () => {
    const t = await tenantWithKeys(db());
    await callerFor(db(), t).settings.documentProfile.uploadLogo({ mimeType: "image/png", data: PNG });
    const refused = await rest(removeLogoEndpoint, "POST", "/api/v1/seller-profile/logo/remove", t.operator);
    expect(refused.status).toBe(403);
    const bad = await rest(removeLogoEndpoint, "POST", "/api/v1/seller-profile/logo/remove", t.admin, ["logo"]);
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(["(body)"]);
    expect((await callerFor(db(), t).settings.documentProfile.get()).logo).not.toBeNull();
    const removed = await rest(removeLogoEndpoint, "POST", "/api/v1/seller-profile/logo/remove", t.admin);
    expect(removed.status).toBe(200);
    expect(removed.body.logo).toBeNull();
    expect((await callerFor(db(), t).settings.documentProfile.get()).logo).toBeNull();
  });

  it("POST /exchange-rates/{currency}/{rateDate}/delete: admin keys delete one rate of their tenant; bad path values are named; operators are refused", async () => {
    const t = await tenantWithKeys(db());
    const other = await tenantWithKeys(db());
    for (const [tenant, rate] of [[t, "0.9214"], [other, "0.95"]] as const) {
      for (const rateDate of ["2026-09-01", "2026-10-01"]) {
        expect((await rest(postExchangeRate, "POST", "/api/v1/exchange-rates", tenant.admin, { currency: "USD", rateDate, rate })).status).toBe(200);
      }
    }
    const remove = (key: string, currency: string, rateDate: string) =>
      rest(deleteExchangeRateEndpoint, "POST", `/api/v1/exchange-rates/${currency}/${rateDate}/delete`, key, undefined, { currency, rateDate });
    const rates = async (key: string) => (await rest(getExchangeRates, "GET", "/api/v1/exchange-rates", key)).body.rates.map((r: { rateDate: string }) => r.rateDate);

    expect((await remove(t.operator, "USD", "2026-10-01")).status).toBe(403);
    const bad = await remove(t.admin, "ZZZ", "2026-02-30");
    expect(bad.status).toBe(400);
    expect(fields(bad).sort()).toEqual(["currency", "rateDate"]);
    const deleted = await remove(t.admin, "USD", "2026-10-01");
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true });
    expect(await rates(t.viewer)).toEqual(["2026-09-01"]);
    expect((await remove(t.admin, "USD", "2026-10-01")).status).toBe(404);
    expect(await rates(other.viewer)).toEqual(["2026-10-01", "2026-09-01"]);
  });
});
