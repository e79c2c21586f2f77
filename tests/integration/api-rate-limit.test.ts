import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/api/api-keys";
import { limitByClientIp, takeTokensInOrder } from "@/server/api/rate-limit";
import { listRuns } from "@/server/api/routes/billing-runs";
import { postRatedItems } from "@/server/api/routes/ingest";
import { configureRuntime } from "@/tests/support/runtime";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, ratedItem, seedMasterData, tenantWithKey } from "./api-support";

// Rate limits: token buckets per API key in the database (every app process shares them), 429 problem+json with
// Retry-After and the IETF RateLimit / RateLimit-Policy headers; ingest is counted in items; auth endpoints per IP.

let database: TestDatabase;
const keyLimits = () => configureRuntime({ settings: { rateLimits: { requestsPerSecond: 0.01, requestsBurst: 3, ingestItemsPerSecond: 1, ingestItemsBurst: 20, authPerMinute: 2 } } });
beforeAll(async () => {
  keyLimits();
  database = await createTestDatabase();
});
afterAll(async () => {
  configureRuntime();
  await database?.close();
});
const db = () => database.db;
const list = (key: string) => call(listRuns, db(), jsonRequest("GET", "/api/v1/billing-runs", { key }));

describe("rate limits", () => {
  it("answers a burst beyond the key's limit with 429, Retry-After and RateLimit headers; other keys are unaffected", async () => {
    const a = await tenantWithKey(db());
    const b = await tenantWithKey(db());
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await list(a.key));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[0].headers.get("ratelimit-policy")).toBe('"requests";q=3;w=300, "tenant-requests";q=1000000;w=1');
    expect(answers[0].headers.get("ratelimit")).toMatch(/^"requests";r=2;t=\d+, "tenant-requests";r=\d+;t=\d+$/);
    const refused = answers[3];
    expect(refused.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS" });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit")).toMatch(/^"requests";r=0;t=[1-9]\d*$/);
    expect((await list(b.key)).status).toBe(200);

    // the state lives in the database, not in this process: clearing the table resets the limit
    const [{ n }] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM rate_limit_buckets WHERE bucket = ${`requests:${a.apiKeyId}`}`);
    expect(n).toBe(1);
    await db().execute(sql`DELETE FROM rate_limit_buckets WHERE bucket = ${`requests:${a.apiKeyId}`}`);
    expect((await list(a.key)).status).toBe(200);
  });

  it("counts ingest in items: a batch beyond the burst is refused as too large, the next batch beyond what is left with 429", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId, 3, t.billingCycleId);
    const post = (from: number, n: number) =>
      call(postRatedItems, db(), jsonRequest("POST", "/api/v1/rated-items", { key: t.key, body: { items: Array.from({ length: n }, (_, i) => ratedItem(from + i)) } }));
    expect((await post(0, 21)).status).toBe(413);
    await db().execute(sql`DELETE FROM rate_limit_buckets`);
    const first = await post(0, 15);
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-policy")).toContain('"items";q=20;w=20');
    const second = await post(100, 15);
    expect(second.status).toBe(429);
    expect(second.body.detail).toMatch(/items/);
    const [{ n }] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM rated_items WHERE tenant_id = ${t.tenantId}`);
    expect(n).toBe(15);
  });

  it("limits each tenant over all its API keys: a second key does not multiply the quota; the 429 names the tenant policy", async () => {
    configureRuntime({ settings: { rateLimits: { requestsPerSecond: 0.01, requestsBurst: 3, tenantRequestsPerSecond: 0.01, tenantRequestsBurst: 5, ingestItemsPerSecond: 1, ingestItemsBurst: 100, tenantIngestItemsPerSecond: 1, tenantIngestItemsBurst: 20 } } });
    try {
      const t = await tenantWithKey(db());
      const second = (await createApiKey(db(), t.tenantId, { name: "second", role: "operator" }, t.userId)).key;
      const other = await tenantWithKey(db());
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await list(t.key)).status);
      for (let i = 0; i < 2; i++) statuses.push((await list(second)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const refused = await list(second);
      expect(refused.status).toBe(429);
      expect(refused.body.detail).toMatch(/tenant-requests/);
      expect(refused.headers.get("ratelimit")).toMatch(/"tenant-requests";r=0;t=[1-9]\d*$/);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await list(other.key)).status).toBe(200);

      // items: each key is within its own item burst, the tenant's is shared
      await db().execute(sql`DELETE FROM rate_limit_buckets`);
      await seedMasterData(db(), t.tenantId, 3, t.billingCycleId);
      const post = (key: string, from: number) =>
        call(postRatedItems, db(), jsonRequest("POST", "/api/v1/rated-items", { key, body: { items: Array.from({ length: 15 }, (_, i) => ratedItem(from + i)) } }));
      expect((await post(t.key, 0)).status).toBe(200);
      const tooMany = await post(second, 100);
      expect(tooMany.status).toBe(429);
      expect(tooMany.body.detail).toMatch(/tenant-items/);
      expect(tooMany.headers.get("ratelimit-policy")).toContain('"tenant-items";q=20;w=20');
      const [{ n }] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM rated_items WHERE tenant_id = ${t.tenantId}`);
      expect(n).toBe(15);
    } finally {
      await db().execute(sql`DELETE FROM rate_limit_buckets`);
      keyLimits();
    }
  });

  it("takes a key's and its tenant's buckets in one statement, in order: a refusal leaves the later buckets untouched", async () => {
    const key = { name: "chain-key", perSecond: 0.001, burst: 2 };
    const tenant = { name: "chain-tenant", perSecond: 0.001, burst: 10 };
    const take = () => takeTokensInOrder(db(), [{ policy: key, subject: "s" }, { policy: tenant, subject: "s", cost: 3 }]);
    const tokens = async () =>
      Object.fromEntries(
        (await queryRows<{ bucket: string; tokens: number }>(db(), sql`SELECT bucket, tokens FROM rate_limit_buckets WHERE bucket LIKE 'chain-%'`)).map((r) => [r.bucket, Math.round(Number(r.tokens))]),
      );
    const granted = await take();
    expect(granted.map((d) => [d.policy.name, d.granted, d.remaining])).toEqual([["chain-key", true, 1], ["chain-tenant", true, 7]]);
    expect(await tokens()).toEqual({ "chain-key:s": 1, "chain-tenant:s": 7 });
    await take();
    expect(await tokens()).toEqual({ "chain-key:s": 0, "chain-tenant:s": 4 });
    // the key refuses: one decision, and the tenant's bucket keeps its tokens
    const refused = await take();
    expect(refused.map((d) => [d.policy.name, d.granted])).toEqual([["chain-key", false]]);
    expect(refused[0].retryAfterSeconds).toBeGreaterThan(0);
    expect(await tokens()).toEqual({ "chain-key:s": 0, "chain-tenant:s": 4 });
    await db().execute(sql`DELETE FROM rate_limit_buckets WHERE bucket LIKE 'chain-%'`);
  });

  it("limits the auth endpoints per client IP", async () => {
    const from = (ip: string) => new Request("http://localhost:3000/api/auth/sign-in/email", { method: "POST", headers: { "x-forwarded-for": `${ip}, 10.0.0.1` } });
    expect(await limitByClientIp(db(), from("203.0.113.7"))).toBeNull();
    expect(await limitByClientIp(db(), from("203.0.113.7"))).toBeNull();
    const refused = await limitByClientIp(db(), from("203.0.113.7"));
    expect(refused?.status).toBe(429);
    expect(refused?.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await limitByClientIp(db(), from("198.51.100.1"))).toBeNull();
  });
});
