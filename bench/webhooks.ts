/**
 * npm run bench:webhooks -- --invoices 100000 [--url postgres://…/postgres]
 *
 * Outgoing webhooks through the outbox, end to end, on a fresh Postgres database with alike tenants
 * (N accounts, one rated item each → N invoices per run), each run AUTO_POST through the real services:
 *  1. "plain": no webhook endpoint → no outbox rows: the posting step's time without them;
 *  2. "rows":  an endpoint subscribed to invoice.posted, consumers off → the posting step's time with N outbox rows
 *     written set-based in the posting chunks (the overhead: median rows / median plain; `--repeat` pairs, default 3,
 *     run alternately, since one posting's time varies by ±20 % on this machine);
 *  3. "live":  the same with this process's outbox sweeper on and a receiver on 127.0.0.1 (a child process): delivered
 *     messages per second (first to last delivery) and the delivery lag (receipt − the event's occurrence), p95.
 * Prints one JSON line: {"invoices","outbox_rows","posting_s_without","posting_s_with" (medians, and every run in
 * posting_runs), "posting_overhead",
 * "delivered","deliveries_per_s","p95_lag_ms","max_lag_ms","peak_rss_mb"}.
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { composeRuntime } from "@/composition-root";
import { openDatabase, queryRows, type Db } from "@/db/client";
import { seedTenantData } from "@/db/seed/generate";
import { createRun, processRun } from "@/server/billing/runs";
import { InlineJobRunner } from "@/server/jobs/inline-runner";
import { OutboxSweeper } from "@/server/outbox/sweeper";
import { createTenant } from "@/server/tenants/create-tenant";

const { values } = parseArgs({
  options: {
    invoices: { type: "string", default: "100000" },
    url: { type: "string", default: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
    repeat: { type: "string", default: "3" },
  },
});
const n = Number(values.invoices);
if (!Number.isInteger(n) || n < 1) throw new Error("--invoices must be a positive whole number");
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) throw new Error("--repeat must be a positive whole number");
const log = (message: string) => console.error(`[bench:webhooks] ${message}`);
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

/** The receiver: a separate process, so its work does not share this process's event loop. */
const RECEIVER = `
const http = require("node:http");
const lags = [];
let first = 0, last = 0;
http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const now = Date.now();
    first ||= now; last = now;
    try { lags.push(now - Date.parse(JSON.parse(body).timestamp)); } catch {}
    res.statusCode = 204; res.end();
  });
}).listen(0, "127.0.0.1", function () { process.send({ port: this.address().port }); });
process.on("message", () => process.send({ lags, first, last }));
`;

type ReceiverStats = { lags: number[]; first: number; last: number };

async function startReceiver() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "billrun-receiver-")), "receiver.cjs");
  fs.writeFileSync(file, RECEIVER);
  const child = fork(file, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
  return {
    url: `http://127.0.0.1:${port}/hook`,
    stats: () =>
      new Promise<ReceiverStats>((resolve) => {
        child.once("message", (m: ReceiverStats) => resolve(m));
        child.send("stats");
      }),
    stop: () => child.kill(),
  };
}

async function freshDatabase() {
  const { Client } = await import("pg");
  const name = `billrun_bench_webhooks_${Date.now()}`;
  const admin = new Client({ connectionString: values.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(values.url!);
  u.pathname = `/${name}`;
  const database = await openDatabase({ driver: "node-postgres", url: u.toString(), migrate: true, poolMax: 6 });
  return {
    ...database,
    drop: async () => {
      const a = new Client({ connectionString: values.url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

async function seededTenant(db: Db, name: string) {
  const t = await createTenant(db, {
    name,
    slug: name.toLowerCase(),
    profile: { legalName: `${name} GmbH`, addressLine: "Hauptstraße 1", city: "Berlin", postalCode: "10115", country: "DE", vatId: "DE123456789" },
  });
  await seedTenantData(db, { tenantId: t.tenantId, billingCycleId: t.billingCycleId, accounts: n, items: n, tag: name.slice(0, 2).toUpperCase() });
  return t;
}

async function addEndpoint(db: Db, tenantId: string, url: string) {
  await db.execute(sql`INSERT INTO webhook_endpoints (tenant_id, url, secret, events)
    VALUES (${tenantId}, ${url}, ${"whsec_" + Buffer.from("bench-webhooks-secret-0123456789").toString("base64")}, ARRAY['invoice.posted', 'billing_run.posted'])`);
}

const actor = { type: "SYSTEM" as const };

/** One AUTO_POST run; returns its posting step's time (from the job's own start and end). */
async function postedRun(db: Db, runtime: ReturnType<typeof composeRuntime>, t: { tenantId: string; billingCycleId: string }) {
  const run = await createRun(db, t.tenantId, { type: "CYCLE", billingCycleId: t.billingCycleId, invoiceDate: "2026-12-01", cutoffDate: "2026-12-01", mode: "AUTO_POST" }, actor);
  await db.execute(sql`CHECKPOINT`);
  await processRun(db, t.tenantId, run.id, actor);
  await runtime.jobs.idle();
  const [posting] = await queryRows<{ s: number; status: string }>(
    db,
    sql`SELECT extract(epoch FROM ended_at - started_at)::float8 AS s, status::text FROM job_executions
        WHERE billing_run_id = ${run.id}::uuid AND kind = 'POSTING' ORDER BY started_at DESC LIMIT 1`,
  );
  if (posting?.status !== "SUCCEEDED") throw new Error(`the run's posting ended ${posting?.status ?? "never"}`);
  return { runId: run.id, postingS: Math.round(posting.s * 1000) / 1000 };
}

async function main() {
  const database = await freshDatabase();
  const db = database.db;
  const receiver = await startReceiver();
  try {
    log(`seeding ${2 * repeat + 1} tenants × ${n} accounts / items`);
    const pairs = [];
    for (let i = 0; i < repeat; i++) {
      const plain = await seededTenant(db, `WhPlain${i}`);
      const rows = await seededTenant(db, `WhRows${i}`);
      await addEndpoint(db, rows.tenantId, receiver.url);
      pairs.push({ plain, rows });
    }
    const live = await seededTenant(db, "WhLive");
    await db.execute(sql`VACUUM (ANALYZE)`);

    // 1 + 2: the outbox's consumers off, so the posting is timed alone; pairs alternate which goes first
    const quiet = composeRuntime({ jobs: new InlineJobRunner(), outbox: "off" });
    const runs = { without: [] as number[], with: [] as number[] };
    let outboxRows = 0;
    for (const [i, { plain, rows }] of pairs.entries()) {
      const order = i % 2 ? [rows, plain] : [plain, rows];
      for (const t of order) {
        const { runId, postingS } = await postedRun(db, quiet, t);
        if (t === plain) runs.without.push(postingS);
        else {
          runs.with.push(postingS);
          [{ outboxRows }] = await queryRows<{ outboxRows: number }>(
            db,
            sql`SELECT count(*)::int AS "outboxRows" FROM outbox_events WHERE billing_run_id = ${runId}::uuid AND type = 'invoice.posted'`,
          );
        }
      }
      // these tenants' messages are not part of the delivery measurement
      await db.execute(sql`UPDATE webhook_endpoints SET enabled = false WHERE tenant_id = ${rows.tenantId}`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const without = { postingS: median(runs.without) };
    const withRows = { postingS: median(runs.with) };
    log(`posting without outbox rows ${runs.without.join(", ")} s; with ${outboxRows} rows ${runs.with.join(", ")} s`);

    // 3: live delivery by this process's sweeper, woken by the posting chunks' commits
    await addEndpoint(db, live.tenantId, receiver.url);
    const sweeper = new OutboxSweeper(async () => db);
    const liveRuntime = composeRuntime({ jobs: new InlineJobRunner(), outbox: sweeper, getDb: async () => db });
    sweeper.start();
    const t0 = performance.now();
    await postedRun(db, liveRuntime, live);
    const expected = n + 1;
    for (;;) {
      const [{ delivered, other }] = await queryRows<{ delivered: number; other: number }>(
        db,
        sql`SELECT count(*) FILTER (WHERE status = 'DELIVERED')::int AS delivered, count(*) FILTER (WHERE status <> 'DELIVERED')::int AS other
            FROM webhook_messages WHERE tenant_id = ${live.tenantId}`,
      );
      if (delivered >= expected) break;
      if (performance.now() - t0 > 20 * 60_000) throw new Error(`only ${delivered} of ${expected} delivered after 20 minutes (${other} not delivered)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    sweeper.stop();
    await sweeper.idle();
    const stats = await receiver.stats();
    const lags = stats.lags.sort((a, b) => a - b);
    const rate = Math.round((lags.length / Math.max(1, stats.last - stats.first)) * 1000);
    const result = {
      invoices: n,
      outbox_rows: outboxRows,
      posting_s_without: without.postingS,
      posting_s_with: withRows.postingS,
      posting_overhead: Math.round((withRows.postingS / without.postingS - 1) * 1000) / 1000,
      posting_runs: runs,
      delivered: lags.length,
      deliveries_per_s: rate,
      p95_lag_ms: lags[Math.floor(lags.length * 0.95)] ?? null,
      max_lag_ms: lags.at(-1) ?? null,
      peak_rss_mb: Math.round(peakRss / 1048576),
    };
    console.log(JSON.stringify(result));
  } finally {
    clearInterval(sampler);
    receiver.stop();
    await database.close();
    await database.drop();
  }
}

await main();
