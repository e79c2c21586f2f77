/**
 * REST ingest throughput: `npm run bench:api -- --items 200000 [--batch 10000] [--concurrency 2] [--accounts 1000]`.
 *
 * Sends rated items over HTTP to a running app (BENCH_BASE_URL, default http://localhost:3000) in batches and
 * prints one JSON line {"items_per_s", "p95_batch_ms", ...}. Authentication:
 *   - BENCH_API_KEY: an operator key of the tenant to load into; or
 *   - DATABASE_URL (the app's Postgres): a fresh tenant and key are created directly in the database.
 * Accounts, a subscription each and a charge are upserted through the API first (not timed).
 */
import { randomUUID } from "node:crypto";
import { benchRatedItem } from "./bench-rated-item";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

async function apiKey(): Promise<string> {
  if (process.env.BENCH_API_KEY) return process.env.BENCH_API_KEY;
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("set BENCH_API_KEY (an operator key), or DATABASE_URL of the app's Postgres to create a bench tenant");
  const { openDatabase } = await import("@/db/client");
  const { createTenant } = await import("@/server/tenants/create-tenant");
  const { createApiKey } = await import("@/server/api/api-keys");
  const database = await openDatabase({ url, driver: "node-postgres", migrate: false, poolMax: 2 });
  try {
    const suffix = randomUUID().slice(0, 8);
    const { tenantId } = await createTenant(database.db, {
      name: `Bench ${suffix}`,
      slug: `bench-${suffix}`,
      profile: { legalName: `Bench ${suffix} GmbH`, addressLine: "Benchstraße 1", city: "Berlin", postalCode: "10115", country: "DE", vatId: "DE123456789" },
    });
    return (await createApiKey(database.db, tenantId, { name: "bench", role: "operator" }, null)).key;
  } finally {
    await database.close();
  }
}

async function post(base: string, key: string, path: string, body: unknown) {
  // bodies are serialized before the clock starts (this machine's cores are shared with the app under test)
  const json = typeof body === "string" ? body : JSON.stringify(body);
  const started = performance.now();
  const response = await fetch(base + path, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: json,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return { ms: performance.now() - started, body: JSON.parse(text) as Record<string, number> };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const items = arg("items", 200_000);
  const batch = Math.min(arg("batch", 10_000), 10_000);
  // two batches in flight keep both cores of a small machine busy (one parses JSON while Postgres stores the other)
  const concurrency = arg("concurrency", 2);
  const accounts = arg("accounts", 1000);
  const base = (process.env.BENCH_BASE_URL ?? "http://localhost:3000").replace(/\/$/, "");
  const key = await apiKey();
  const tag = `B${randomUUID().slice(0, 6)}`;

  await post(base, key, "/api/v1/charges", { charges: [{ code: `${tag}-USAGE`, label: "Bench usage", type: "USAGE", vatRate: "19.00" }] });
  for (let first = 0; first < accounts; first += 10_000) {
    const n = Math.min(10_000, accounts - first);
    await post(base, key, "/api/v1/accounts", {
      accounts: Array.from({ length: n }, (_, i) => ({ externalId: `${tag}-ACC-${first + i}`, name: `Bench customer ${first + i}`, currency: "EUR", country: "DE" })),
    });
    await post(base, key, "/api/v1/subscriptions", {
      subscriptions: Array.from({ length: n }, (_, i) => ({ externalId: `${tag}-SUB-${first + i}`, accountExternalId: `${tag}-ACC-${first + i}`, name: "Bench plan", startDate: "2026-01-01" })),
    });
  }

  const batches = Math.ceil(items / batch);
  const makeBatch = (b: number) =>
    Array.from({ length: Math.min(batch, items - b * batch) }, (_, i) => {
      const n = b * batch + i;
      return benchRatedItem(tag, n, n % accounts);
    });

  // built and serialized before timing: the figure is the app's ingest rate, not this client's JSON generation
  const bodies = Array.from({ length: batches }, (_, b) => JSON.stringify({ items: makeBatch(b) }));
  const durations: number[] = [];
  let inserted = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, batches) }, async () => {
      while (next < batches) {
        const b = next++;
        const result = await post(base, key, "/api/v1/rated-items", bodies[b]);
        durations.push(result.ms);
        inserted += result.body.inserted;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (inserted !== items) throw new Error(`expected ${items} new items, the API stored ${inserted}`);
  console.log(
    JSON.stringify({
      items_per_s: Math.round(items / seconds),
      p95_batch_ms: Math.round(percentile(durations, 95)),
      items,
      batch,
      concurrency,
      seconds: Number(seconds.toFixed(2)),
    }),
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
