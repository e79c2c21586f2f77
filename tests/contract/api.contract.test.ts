import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ingestCase, ratedItem, rng, runCase } from "@/tests/integration/api-fuzz-cases";
import { expectProblem, fixtures, http, signedWebhook, waitForRun } from "./http";

// The REST API and the run webhook over real HTTP against the built app: refusals, tenant isolation,
// idempotency (also under concurrent duplicate batches), a fuzz pass, and a full run to posted invoices.

const A = () => fixtures().tenants[0];
const B = () => fixtures().tenants[1];

async function masterData(key: string, tag: string, billingCycleId: string) {
  expect((await http("POST", "/api/v1/charges", { key, body: { charges: [{ code: "API-CALLS", label: "API calls", type: "USAGE", vatRate: "19.00" }] } })).status).toBe(200);
  const accounts = [1, 2, 3].map((i) => ({
    externalId: `${tag}ACC-${i}`,
    name: `Customer ${tag}${i}`,
    currency: "EUR",
    country: "DE",
    addressLine: "Main street 1",
    city: "Berlin",
    postalCode: "10115",
    billingCycleId,
  }));
  expect((await http("POST", "/api/v1/accounts", { key, body: { accounts } })).status).toBe(200);
  const subscriptions = [1, 2, 3].map((i) => ({ externalId: `${tag}SUB-${i}`, accountExternalId: `${tag}ACC-${i}`, name: "Pro", startDate: "2026-01-01" }));
  expect((await http("POST", "/api/v1/subscriptions", { key, body: { subscriptions } })).status).toBe(200);
}

const item = (n: number, tag: string, overrides: Record<string, unknown> = {}) =>
  ratedItem(n, { accountExternalId: `${tag}ACC-${(n % 3) + 1}`, subscriptionExternalId: `${tag}SUB-${(n % 3) + 1}`, ...overrides }, tag);

const runBody = (billingCycleId: string) => ({ type: "CYCLE", billingCycleId, invoiceDate: "2026-11-30", cutoffDate: "2026-11-30" });

describe("authentication and errors", () => {
  it("refuses missing, malformed and unknown keys with 401 problem+json", async () => {
    expectProblem(await http("GET", "/api/v1/billing-runs"), 401);
    expectProblem(await http("GET", "/api/v1/billing-runs", { headers: { authorization: "Basic eA==" } }), 401);
    expectProblem(await http("GET", "/api/v1/billing-runs", { key: "br_live_doesnotexist" }), 401);
  });

  it("refuses writes with a viewer key (403) and serves the OpenAPI document", async () => {
    expectProblem(await http("POST", "/api/v1/billing-runs", { key: A().viewerKey, body: runBody(A().billingCycleId) }), 403);
    const doc = await http("GET", "/api/v1/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\.1\./);
  });

  it("refuses non-JSON, oversized and invalid bodies with specific problems", async () => {
    const tag = `E${randomUUID().slice(0, 6)}-`;
    expectProblem(await http("POST", "/api/v1/rated-items", { key: A().key, raw: "{", headers: { "content-type": "application/json" } }), 400);
    expectProblem(await http("POST", "/api/v1/rated-items", { key: A().key, raw: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
    expectProblem(await http("POST", "/api/v1/rated-items", { key: A().key, raw: JSON.stringify({ items: [] }) + " ".repeat(17 * 1024 * 1024) }), 413);
    const bad = expectProblem(await http("POST", "/api/v1/rated-items", { key: A().key, body: { items: [item(1, tag), item(2, tag, { amount: 2.5 })] } }), 400);
    expect(bad.errors[0]).toMatchObject({ field: "items.1.amount" });
    const unknown = expectProblem(await http("POST", "/api/v1/rated-items", { key: A().key, body: { items: [item(1, tag, { chargeCode: "NOPE" })] } }), 400);
    expect(unknown.errors[0]).toEqual({ field: "items.0.accountExternalId", message: `unknown account "${tag}ACC-2"` });
  });
});

describe("ingest", () => {
  it("stores each item once under concurrent duplicate batches, and replays Idempotency-Key answers", async () => {
    const tag = `C${randomUUID().slice(0, 6)}-`;
    await masterData(A().key, tag, A().billingCycleId);
    const items = Array.from({ length: 2000 }, (_, n) => item(n, tag));
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => http("POST", "/api/v1/rated-items", { key: A().key, body: { items: i % 2 ? [...items].reverse() : items } })));
    for (const r of results) expect(r.status).toBe(200);
    expect(results.reduce((s, r) => s + r.body.inserted, 0)).toBe(2000);

    const more = { items: [item(5000, tag), item(5001, tag)] };
    const first = await http("POST", "/api/v1/rated-items", { key: A().key, body: more, headers: { "Idempotency-Key": `${tag}k1` } });
    const replay = await http("POST", "/api/v1/rated-items", { key: A().key, body: more, headers: { "Idempotency-Key": `${tag}k1` } });
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expectProblem(await http("POST", "/api/v1/rated-items", { key: A().key, body: { items: [item(5002, tag)] }, headers: { "Idempotency-Key": `${tag}k1` } }), 422);
  });

  it("resolves references in the caller's tenant only", async () => {
    const tag = `T${randomUUID().slice(0, 6)}-`;
    await masterData(A().key, tag, A().billingCycleId);
    const res = expectProblem(await http("POST", "/api/v1/rated-items", { key: B().key, body: { items: [item(1, tag)] } }), 400);
    expect(res.errors[0].message).toMatch(/unknown account/);
  });

  it("answers 1,000 generated malformed ingest and webhook payloads with specific 4xx problems and stores nothing", async () => {
    const tag = `F${randomUUID().slice(0, 6)}-`;
    await masterData(A().key, tag, A().billingCycleId);
    const runsBefore = (await http("GET", "/api/v1/billing-runs?pageSize=1", { key: A().key })).body.total;
    const r = rng(7);
    const used = new Set<number>();
    for (let n = 0; n < 700; n++) {
      const c = ingestCase(r, n);
      // route the generated items to this test's master data and tag their ids
      const body = JSON.parse(JSON.stringify(c.body ?? null), (k, v) =>
        typeof v === "string" && (k === "externalId" || k === "accountExternalId" || k === "subscriptionExternalId") && /^(ITEM|ACC|SUB)-\d+$/.test(v) ? `${tag}${v}` : v,
      );
      for (const it of (Array.isArray(body?.items) ? body.items : []) as { externalId?: unknown }[]) {
        const m = typeof it?.externalId === "string" ? /ITEM-(\d+)$/.exec(it.externalId) : null;
        if (m) used.add(Number(m[1]));
      }
      const res = await http("POST", "/api/v1/rated-items", {
        key: A().key,
        raw: c.raw ?? JSON.stringify(body),
        headers: { "content-type": c.contentType ?? "application/json" },
      });
      expect(res.status, `case ${n}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `case ${n}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
      expect(res.body?.detail?.length ?? 0, `case ${n}`).toBeGreaterThan(5);
    }
    for (let n = 0; n < 300; n++) {
      const c = runCase(r, A().billingCycleId);
      const res = await signedWebhook(A().secret, A().slug, c.body, { raw: c.raw });
      expect(res.status, `webhook case ${n}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `webhook case ${n}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
      expect(res.body?.detail?.length ?? 0).toBeGreaterThan(5);
    }
    // nothing was stored: every item id the fuzz used is still new, and no run appeared
    const ids = [...used].filter((n) => n < 100_000);
    if (ids.length) {
      const check = await http("POST", "/api/v1/rated-items", { key: A().key, body: { items: ids.map((n) => item(n, tag)) } });
      expect(check.body).toMatchObject({ inserted: ids.length, duplicates: 0 });
    }
    expect((await http("GET", "/api/v1/billing-runs?pageSize=1", { key: A().key })).body.total).toBe(runsBefore);
  }, 300_000);
});

describe("webhook-triggered runs", () => {
  it("creates one run per webhook-id and refuses bad signatures, late timestamps and malformed bodies", async () => {
    const t = A();
    const countRuns = async () => (await http("GET", "/api/v1/billing-runs?pageSize=1", { key: t.key })).body.total;
    const before = await countRuns();
    const id = `msg_${randomUUID()}`;
    const first = await signedWebhook(t.secret, t.slug, runBody(t.billingCycleId), { id });
    expect(first.status).toBe(202);
    expect(first.body.statusUrl).toBe(`/api/v1/billing-runs/${first.body.runId}`);
    const again = await signedWebhook(t.secret, t.slug, runBody(t.billingCycleId), { id });
    expect(again.body).toMatchObject({ runId: first.body.runId, replayed: true });
    expect(await countRuns()).toBe(before + 1);

    expectProblem(await signedWebhook(B().secret, t.slug, runBody(t.billingCycleId)), 401);
    expectProblem(await signedWebhook(t.secret, t.slug, runBody(t.billingCycleId), { at: new Date(Date.now() - 6 * 60_000) }), 401);
    expectProblem(await signedWebhook(t.secret, t.slug, runBody(t.billingCycleId), { at: new Date(Date.now() + 6 * 60_000) }), 401);
    const malformed = expectProblem(await signedWebhook(t.secret, t.slug, { type: "CYCLE", invoiceDate: "2026-02-30" }), 400);
    expect(malformed.errors.map((e) => e.field)).toEqual(expect.arrayContaining(["invoiceDate", "cutoffDate"]));
    expect(await countRuns()).toBe(before + 1);

    // the status URL is readable with the tenant's key, and not with another tenant's
    expect((await http("GET", first.body.statusUrl, { key: t.key })).status).toBe(200);
    expectProblem(await http("GET", first.body.statusUrl, { key: B().key }), 404);
  });
});

describe("a full run", () => {
  it("goes from ingest to posted invoices and downloads the XML", async () => {
    const t = B();
    const tag = `R${randomUUID().slice(0, 6)}-`;
    await masterData(t.key, tag, t.billingCycleId);
    const ingest = await http("POST", "/api/v1/rated-items", { key: t.key, body: { items: Array.from({ length: 60 }, (_, n) => item(n, tag)) } });
    expect(ingest.body.inserted).toBe(60);

    const created = await http("POST", "/api/v1/billing-runs", { key: t.key, body: runBody(t.billingCycleId), headers: { "Idempotency-Key": `${tag}create` } });
    expect(created.status).toBe(201);
    const runId = created.body.id;
    expect((await http("POST", `/api/v1/billing-runs/${runId}/process`, { key: t.key })).status).toBe(202);
    await waitForRun(t.key, runId, ["DRAFTS_READY"]);
    expect((await http("POST", `/api/v1/billing-runs/${runId}/post`, { key: t.key })).status).toBe(202);
    const posted = await waitForRun(t.key, runId, ["POSTED"]);
    expect(posted.postedCount).toBe(3);

    const invoices = await http("GET", `/api/v1/billing-runs/${runId}/invoices?status=POSTED&sort=number`, { key: t.key });
    expect(invoices.body.total).toBe(3);
    const invoice = invoices.body.rows[0];
    const xml = await http("GET", `/api/v1/invoices/${invoice.id}/xml`, { key: t.key });
    expect(xml.status).toBe(200);
    expect(xml.headers.get("content-type")).toBe("application/xml");
    expect(xml.text).toContain("<Invoice");
    expect(xml.text).toContain(invoice.number);
    expectProblem(await http("GET", `/api/v1/invoices/${invoice.id}/xml`, { key: A().key }), 404);
  }, 120_000);
});
