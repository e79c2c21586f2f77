import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { listRuns } from "@/server/api/routes/billing-runs";
import { callerFor, createTenantWithUser } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest } from "./api-support";

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
