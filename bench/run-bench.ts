/**
 * npm run bench -- --accounts 100000 --items 1000000 [--driver pg|pglite] [--url postgres://…/postgres] [--chunk 5000]
 *   [--template billrun_bench_seeded]  (Postgres: seed once into that database and clone it on later runs)
 *   [--skip-floor]  (quick iterations on the app's side: no floor, so no ratio)
 *   [--months 3]  (then bill months 2..N too: a new month of items for the same accounts each time, earlier months'
 *                  items staying in the table; prints every month's run time as month_run_s, and month_ratio = last / first)
 *   [--in-period]  (items dated within the month before their run's cut-off, 2026-11-01 … 11-30 for the first; without
 *                  it they spread over 45 days from 2026-10-01, so from month 2 on a third of each month's items are
 *                  dated before the previous run's cut-off: late usage, which brings billed items back into the scan)
 *   [--simulate]  (simulate the run first, server/billing/simulation.ts: prints simulate_s next to the run's lines step
 *                  lines_s, and checks the simulation's totals equal what the run then billed)
 *   [--driver neon --latency-ms 10]  (the Neon serverless driver through the local WebSocket proxy, each message from
 *                  the app to the database delayed by that much: one round trip costs it once)
 *   [--paired 3]  (with --months N: N's last 3 months are each billed next to the first month of a tenant seeded
 *                  like the measured one and never billed before, in the same database and the same minute; prints
 *                  paired_month_run_s and paired_month_ratio, the median of the pairs' ratios)
 *
 * Seeds a fresh database (two identical tenants), runs an AUTO_POST run end-to-end through the real services
 * (claim, lines, drafts, rules, posting, numbering; inline driver) on one tenant, and the hand-written raw-SQL
 * floor (bench/floor.sql) on the other, in the same process. Prints one final JSON line.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type Database } from "@/db/client";
import { seedTenantData } from "@/db/seed/generate";
import { composeRuntime } from "@/composition-root";
import { InlineJobRunner } from "@/server/jobs/inline-runner";
import { createRun, getRun, processRun } from "@/server/billing/runs";
import { simulateNewRun } from "@/server/billing/simulation";
import { createTenant } from "@/server/tenants/create-tenant";
import { startNeonWsProxy } from "@/tests/support/neon-ws-proxy";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "100000" },
    items: { type: "string", default: "1000000" },
    simulate: { type: "boolean", default: false },
    driver: { type: "string" },
    url: { type: "string", default: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
    chunk: { type: "string" },
    keep: { type: "boolean", default: false },
    template: { type: "string" },
    "skip-floor": { type: "boolean", default: false },
    "in-period": { type: "boolean", default: false },
    months: { type: "string", default: "1" },
    "latency-ms": { type: "string", default: "0" },
    paired: { type: "string", default: "0" },
  },
});
const accounts = Number(values.accounts);
const items = Number(values.items);
const months = Math.max(1, Number(values.months));
const latencyMs = Math.max(0, Number(values["latency-ms"]));
const driverArg = values.driver ?? (process.env.TEST_DB === "pglite" ? "pglite" : "pg");
const pairs = Math.max(0, Number(values.paired));
if (pairs && (months < 2 || pairs > months - 1)) throw new Error("--paired P needs --months N with N > P (it pairs the last P months)");
// The engine runs inline (whatever Inngest settings the shell has); the outbox's consumers stay off: the bench's
// tenants have no webhook endpoints, and the milestones it writes are not the measured work.
const bench = composeRuntime({
  jobs: new InlineJobRunner(),
  outbox: "off",
  settings: values.chunk ? { engine: { chunkAccounts: Number(values.chunk) } } : {},
});
const engineOptions = bench.settings.engine;
const waitForInlineJobs = () => bench.jobs.idle();

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const seconds = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;
const log = (message: string) => console.error(`[bench] ${message}`);

type BenchTenant = { tenantId: string; billingCycleId: string };
type Tenants = { app: BenchTenant; floor: BenchTenant };
type BenchDatabase = Database & { name?: string; drop?: () => Promise<void>; seeded?: Tenants & { fresh: FreshTenant[] } };

/**
 * Statements the app sends (each one round trip): counted at the drivers' Client.query, through which pools and
 * transactions send everything, BEGIN and COMMIT included. PGlite (in process, no round trips) is not counted.
 */
let statementsSent = 0;
async function countStatements() {
  const patch = (proto: { query: (...args: unknown[]) => unknown }) => {
    const query = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]) {
      statementsSent++;
      return query.apply(this, args);
    };
  };
  if (driverArg === "neon") patch((await import("@neondatabase/serverless")).Client.prototype as never);
  else if (driverArg !== "pglite") patch((await import("pg")).Client.prototype as never);
}

async function freshDatabase(): Promise<BenchDatabase> {
  if (driverArg === "pglite") return openDatabase({ driver: "pglite", dataDir: "memory://", migrate: true });
  await countStatements();
  const template = values.template;
  const seeded = template ? await adminQuery(`SELECT 1 FROM pg_database WHERE datname = $1`, [template]) : null;
  const database = await createBenchDatabase(`billrun_bench_${Date.now()}`, seeded?.length ? template : undefined);
  if (!seeded?.length) return database;
  const rows = await queryRows<{ name: string; tenantId: string; billingCycleId: string }>(
    database.db,
    sql`SELECT o.name, o.id AS "tenantId", c.id AS "billingCycleId" FROM organization o JOIN billing_cycles c ON c.tenant_id = o.id`,
  );
  const pick = (n: string) => rows.find((r) => r.name === n)!;
  log(`cloned the seeded database ${template}`);
  const fresh = rows
    .filter((r) => r.name.startsWith(FRESH_TENANT))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))
    .map(({ name, ...tenant }) => ({ name, tenant }));
  return { ...database, seeded: { app: pick("BenchApp"), floor: pick("BenchFloor"), fresh } };
}

async function adminQuery(text: string, params: unknown[] = []): Promise<unknown[]> {
  const { Client } = await import("pg");
  const admin = new Client({ connectionString: values.url });
  await admin.connect();
  try {
    return (await admin.query(text, params)).rows;
  } finally {
    await admin.end();
  }
}

/**
 * CREATE DATABASE … TEMPLATE, file by file (FILE_COPY, Postgres 15+): the default WAL_LOG strategy writes the whole
 * template through the WAL, and the checkpoints that follow land in the middle of the timed run.
 */
async function copyDatabase(name: string, template: string) {
  const [{ server_version_num: version }] = (await adminQuery(`SHOW server_version_num`)) as { server_version_num: string }[];
  const strategy = Number(version) >= 150000 ? " STRATEGY FILE_COPY" : "";
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}${strategy}`);
}

/** A new Postgres database (a copy of `template` when given), opened through the bench's driver. */
async function createBenchDatabase(name: string, template?: string): Promise<BenchDatabase> {
  if (template) await copyDatabase(name, template);
  else await adminQuery(`CREATE DATABASE ${name}`);
  const u = new URL(values.url!);
  u.pathname = `/${name}`;
  // Neon: through the local WebSocket proxy, with the injected latency (tests/support/neon-ws-proxy.ts).
  const proxy = driverArg === "neon" ? await startNeonWsProxy({ latencyMs }) : null;
  const database = await openDatabase({
    driver: driverArg === "neon" ? "neon" : "node-postgres",
    url: u.toString(),
    migrate: true,
    poolMax: 4,
    neonWsProxy: proxy?.address,
  });
  return {
    ...database,
    name,
    close: async () => {
      await database.close();
      await proxy?.close();
    },
    drop: () => dropDatabase(name),
  };
}

const dropDatabase = async (name: string) => void (await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

/** Copies the database as it is now into `template` (the pool must let go of it meanwhile; it reconnects). */
async function saveTemplate(database: BenchDatabase, template: string) {
  await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database.name]);
  await copyDatabase(template, database.name!);
  log(`saved the database as ${template}`);
}

/** Starts each timed part from a clean checkpoint, so neither pays for the writes of what came before it. */
async function settle(db: Database["db"]) {
  if (driverArg === "pglite") return;
  try {
    await db.execute(sql`CHECKPOINT`);
  } catch (error) {
    log(`no CHECKPOINT before timing (${(error as Error).message}); figures may include earlier writes`);
  }
}

async function tenant(db: Database["db"], name: string) {
  return createTenant(db, {
    name,
    slug: name.toLowerCase(),
    profile: { legalName: `${name} GmbH`, addressLine: "Hauptstraße 1", city: "Berlin", postalCode: "10115", country: "DE", vatId: "DE123456789" },
  });
}

const runInput = { type: "CYCLE" as const, invoiceDate: "2026-12-01", cutoffDate: "2026-12-01", mode: "AUTO_POST" as const };
const actor = { type: "SYSTEM" as const };

/** The floor: hand-written SQL for the same work (bench/floor.sql), one transaction, no chunks. Returns its run and seconds. */
async function runFloor(db: Database["db"], tenantId: string, billingCycleId: string): Promise<{ seconds: number; runId: string }> {
  const floorRun = await createRun(db, tenantId, { ...runInput, billingCycleId }, actor);
  const script = fs.readFileSync(path.join(import.meta.dirname, "floor.sql"), "utf8");
  const params: Record<string, string> = {
    tenant: `'${tenantId}'`,
    run: `'${floorRun.id}'`,
    cycle: `'${billingCycleId}'`,
    cutoff: `'${runInput.cutoffDate}'`,
    invoice_date: `'${runInput.invoiceDate}'`,
    work_mem: `'${engineOptions.workMem}'`,
  };
  const statements = script
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n")
    .replace(/:(tenant|run|cycle|cutoff|invoice_date|work_mem)\b/g, (_, k: string) => params[k])
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  await settle(db);
  const cpu0 = machineCpuSeconds();
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(sql.raw(statement));
  });
  const floorS = seconds(t0);
  const cpuS = machineCpuSeconds() - cpu0;
  const [check] = await queryRows<{ posted: number }>(
    db,
    sql`SELECT count(*)::int AS posted FROM invoices WHERE billing_run_id = ${floorRun.id}::uuid AND status = 'POSTED'`,
  );
  log(`floor: ${check.posted} posted invoices in ${floorS} s${Number.isNaN(cpuS) ? "" : `, CPU busy ${cpuS.toFixed(1)} s`}`);

  return { seconds: floorS, runId: floorRun.id };
}

/**
 * What a posted run billed, as text (numeric sums stay exact): per document type the count, the net, VAT and gross
 * sums and the number range, and the lines and claimed items behind them. The two bench tenants are seeded alike, so
 * the app's run and the floor must bill exactly the same money.
 */
async function billedSummary(db: Database["db"], runId: string): Promise<string> {
  const rows = await queryRows<Record<string, string>>(
    db,
    sql`SELECT i.type::text, count(*)::text AS n, sum(i.net_total)::text AS net, sum(i.tax_total)::text AS tax,
          sum(i.gross_total)::text AS gross, sum(i.lines_count)::text AS lines, min(i.number) AS first, max(i.number) AS last,
          (SELECT count(*) FROM rated_item_claims c WHERE c.billing_run_id = ${runId}::uuid)::text AS claimed_items
        FROM invoices i WHERE i.billing_run_id = ${runId}::uuid AND i.status = 'POSTED'
        GROUP BY i.type ORDER BY i.type`,
  );
  return JSON.stringify(rows);
}

/** One AUTO_POST run of the app tenant's cycle through the real services (inline driver), timed, with its steps logged. */
async function timeAppRun(db: Database["db"], app: BenchTenant, cutoffDate: string, label: string) {
  await settle(db);
  const cpu0 = machineCpuSeconds();
  const reads0 = await blocksRead(db);
  const statements0 = statementsSent;
  const t0 = performance.now();
  const run = await createRun(db, app.tenantId, { ...runInput, cutoffDate, invoiceDate: cutoffDate, billingCycleId: app.billingCycleId }, actor);
  await processRun(db, app.tenantId, run.id, actor);
  await waitForInlineJobs();
  const runS = seconds(t0);
  const cpuS = machineCpuSeconds() - cpu0;
  const statements = statementsSent - statements0;
  const result = await getRun(db, app.tenantId, run.id);
  if (result.status !== "POSTED") throw new Error(`the ${label} ended ${result.status}: ${result.errorSummary}`);
  log(`${label}: ${result.itemsCount} items → ${result.linesCount} lines → ${result.postedCount} posted invoices in ${runS} s`);
  const steps = await queryRows<{ kind: string; s: number; chunks: number }>(
    db,
    sql`SELECT kind::text, round(extract(epoch FROM ended_at - started_at)::numeric, 2)::float8 AS s, chunks_total AS chunks
        FROM job_executions WHERE billing_run_id = ${run.id}::uuid ORDER BY started_at`,
  );
  log(`steps: ${steps.map((step) => `${step.kind} ${step.s} s (${step.chunks} chunks)`).join(", ")}`);
  if (!Number.isNaN(cpuS)) log(`CPU busy during the ${label}, all processes of the machine: ${cpuS.toFixed(1)} s`);
  if (driverArg !== "pglite") {
    const reads = await blocksRead(db);
    const total = [...reads.values()].reduce((a, b) => a + b, 0) - [...reads0.values()].reduce((a, b) => a + b, 0);
    const top = [...reads]
      .map(([relation, n]) => [relation, n - (reads0.get(relation) ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6);
    log(`${total} table and index blocks read from outside shared buffers during the ${label}; most: ${top.map(([r, n]) => `${r} ${n}`).join(", ")}`);
  }
  const chunks = steps.reduce((n, step) => n + step.chunks, 0);
  if (driverArg !== "pglite") log(`${statements} statements sent during the ${label}, ${chunks} chunks`);
  const linesS = steps.find((step) => step.kind === "LINES")?.s ?? null;
  return { seconds: runS, posted: result.postedCount, runId: run.id, statements: driverArg === "pglite" ? null : statements, chunks, linesS };
}

/**
 * Blocks this database's tables (heap) and each of their indexes read from outside shared buffers so far
 * (pg_statio_user_tables, pg_statio_user_indexes), by relation name. Unlike the run time it hardly depends on what else
 * the machine does, so it shows a run touching more pages as history grows, and where.
 */
async function blocksRead(db: Database["db"]): Promise<Map<string, number>> {
  if (driverArg === "pglite") return new Map();
  const rows = await queryRows<{ relation: string; n: number }>(
    db,
    sql`SELECT relname AS relation, coalesce(heap_blks_read, 0)::float8 AS n FROM pg_statio_user_tables
        UNION ALL
        SELECT indexrelname, coalesce(idx_blks_read, 0)::float8 FROM pg_statio_user_indexes`,
  );
  return new Map(rows.map((row) => [row.relation, row.n]));
}

/**
 * CPU seconds the whole machine spent busy so far (Linux /proc/stat: user, nice, system, irq, softirq), NaN elsewhere.
 * Next to the wall time it tells work from waiting: the database server's work is in it, and on a 2-core machine
 * 2 × wall − CPU is the core time a run left idle (serial parts, a lock, the tail of a step).
 */
function machineCpuSeconds(): number {
  try {
    const [, ...ticks] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, , , irq, softirq] = ticks;
    return (user + nice + system + irq + softirq) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

type FreshTenant = { name: string; tenant: BenchTenant; runS?: number; monthS?: number };
const FRESH_TENANT = "BenchFresh";

/** Every bench tenant gets the same accounts, items and amounts (`tag` only tells their external ids apart). */
async function seedAlike(db: Database["db"], t: BenchTenant, tag: string) {
  const dates = values["in-period"] ? { usageFrom: "2026-11-01", days: 30 } : {};
  await seedTenantData(db, { tenantId: t.tenantId, billingCycleId: t.billingCycleId, accounts, items, tag, creditEvery: 97, ...dates });
}

/**
 * --paired: the machine's speed drifts over minutes (the same work took 27 s of CPU in one month of a run and 36 s in a
 * later one), so the first and the last month of a run, 15 minutes apart, compare more than history. These tenants
 * are seeded like the measured one and wait, unbilled, in the same tables; each is billed for its first month in the
 * same minute as one of the last months, which makes a pair that the machine's phase hits alike.
 */
async function seedFreshTenants(db: Database["db"], n: number): Promise<FreshTenant[]> {
  const fresh: FreshTenant[] = [];
  if (!n) return fresh;
  // seeded with the measured tenant, before the database is analyzed: a tenant seeded after it, which the statistics
  // do not know, took 1,433 s for 2 × 200,000 items here (against 6.4 s for the first)
  for (let i = 1; i <= n; i++) {
    const name = `${FRESH_TENANT}${i}`;
    const tenantRow = await tenant(db, name);
    await seedAlike(db, tenantRow, `P${i}`);
    fresh.push({ name, tenant: tenantRow });
  }
  return fresh;
}

/** The median of (the last months' run time / the paired fresh tenant's first month), with every pair listed. */
function pairedRatio(fresh: FreshTenant[]) {
  const measured = fresh.map((f) => ({ month: f.monthS!, first: f.runS! }));
  const ratios = measured.map((p) => p.month / p.first).sort((a, b) => a - b);
  const mid = ratios.length / 2;
  const median = ratios.length % 2 ? ratios[Math.floor(mid)] : (ratios[mid - 1] + ratios[mid]) / 2;
  log(`pairs (month ${months - fresh.length + 1}… over a fresh tenant's month 1): ${measured.map((p) => `${p.month} / ${p.first}`).join(", ")}`);
  return { runS: { month: measured.map((p) => p.month), fresh_month_1: measured.map((p) => p.first) }, ratio: Math.round(median * 100) / 100 };
}

async function addMonths(db: Database["db"], date: string, n: number): Promise<string> {
  const [row] = await queryRows<{ d: string }>(db, sql`SELECT (${date}::date + make_interval(months => ${n}))::date::text AS d`);
  return row.d;
}

async function main() {
  const database = await freshDatabase();
  const { db } = database;
  log(`driver ${database.driver}, ${accounts} accounts, ${items} items per tenant, chunk ${engineOptions.chunkAccounts} accounts`);

  let t0 = performance.now();
  let { app, floor }: Partial<Tenants> = database.seeded ?? {};
  // --paired: tenants seeded like the measured one, each billed for its first month next to one of the last months
  let fresh = database.seeded?.fresh.slice(0, pairs) ?? [];
  if (!app || !floor) {
    // the floor's tenant only when the floor runs (a template keeps both: later runs may want the floor)
    const withFloor = !values["skip-floor"] || Boolean(values.template);
    app = await tenant(db, "BenchApp");
    floor = await tenant(db, "BenchFloor");
    await seedAlike(db, app, "A");
    if (withFloor) await seedAlike(db, floor, "F");
    fresh = await seedFreshTenants(db, pairs);
    // As autovacuum would have left them by billing day: statistics, hint bits and the visibility map set (else the
    // run's first read of every item page pays for the load's hint bits, and then writes the pages back).
    await db.execute(sql`VACUUM (ANALYZE)`);
    log(`seeded ${(withFloor ? 2 : 1) + fresh.length} × ${items} items in ${seconds(t0)} s`);
    if (values.template) await saveTemplate(database, values.template);
  }

  if (fresh.length < pairs) throw new Error(`--paired ${pairs}: the database cloned from ${values.template} has ${fresh.length} tenants for pairs`);
  // --simulate: what the run will produce, computed first (read-only) for the same data.
  let simulation: { seconds: number; amounts: string } | null = null;
  if (values.simulate) {
    await settle(db);
    t0 = performance.now();
    const simulated = await simulateNewRun(db, app.tenantId, { ...runInput, billingCycleId: app.billingCycleId });
    simulation = { seconds: seconds(t0), amounts: JSON.stringify(simulated.amounts) };
    log(`simulation: ${simulated.counts.accounts} accounts, ${simulated.counts.lines} lines in ${simulation.seconds} s`);
  }
  // The app: the real services, end to end.
  const first = await timeAppRun(db, app, runInput.cutoffDate, "run");
  if (simulation) {
    const invoiced = await queryRows<{ currency: string; net: string; tax: string; gross: string }>(
      db,
      sql`SELECT currency::text AS currency, sum(net_total)::text AS net, sum(tax_total)::text AS tax, sum(gross_total)::text AS gross
          FROM invoices WHERE tenant_id = ${app.tenantId} AND billing_run_id = ${first.runId}::uuid GROUP BY currency ORDER BY currency`,
    );
    const billed = JSON.stringify(invoiced);
    if (billed !== simulation.amounts) throw new Error(`the simulation and the run differ:\n  simulation ${simulation.amounts}\n  run        ${billed}`);
    log(`simulation and run agree: ${billed}`);
  }
  const floorRun = values["skip-floor"] ? null : await runFloor(db, floor.tenantId, floor.billingCycleId);
  const floorS = floorRun?.seconds ?? null;
  if (floorRun) {
    const [appBilled, floorBilled] = [await billedSummary(db, first.runId), await billedSummary(db, floorRun.runId)];
    if (appBilled !== floorBilled) throw new Error(`the run and the floor billed different amounts:\n  run   ${appBilled}\n  floor ${floorBilled}`);
    log(`run and floor billed the same: ${appBilled}`);
  }

  // Later months: the same accounts get a new month of items while the earlier months' items stay in the table, billed.
  const monthRunS: number[] = [first.seconds];
  const [{ last: firstMonthLastItem }] = await queryRows<{ last: string }>(
    db,
    sql`SELECT max(id)::text AS last FROM rated_items WHERE tenant_id = ${app.tenantId}`,
  );
  for (let month = 2; month <= months; month++) {
    const cutoff = await addMonths(db, runInput.cutoffDate, month - 1);
    t0 = performance.now();
    await db.execute(sql`
      INSERT INTO rated_items (tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount,
        currency, usage_date, external_id)
      SELECT tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount, currency,
        (usage_date + make_interval(months => ${month - 1}))::date, external_id || '-m' || ${month}
      FROM rated_items WHERE tenant_id = ${app.tenantId} AND id <= ${firstMonthLastItem}::bigint`);
    // the whole database, as for month 1: by billing day autovacuum has processed the previous run's invoices, lines
    // and claims too (hint bits set, visibility maps and statistics current), not only the month's new items
    await db.execute(sql`VACUUM (ANALYZE)`);
    log(`month ${month}: copied the first month's items to before ${cutoff} in ${seconds(t0)} s`);
    const pair = fresh[month - (months - pairs) - 1];
    // alternating which of the two goes first, so that neither always finds the other's leftovers
    const freshFirst = month % 2 === 0;
    if (pair && freshFirst) pair.runS = (await timeAppRun(db, pair.tenant, runInput.cutoffDate, `paired month 1 of ${pair.name}`)).seconds;
    monthRunS.push((await timeAppRun(db, app, cutoff, `month ${month} run`)).seconds);
    if (pair && !freshFirst) pair.runS = (await timeAppRun(db, pair.tenant, runInput.cutoffDate, `paired month 1 of ${pair.name}`)).seconds;
    if (pair) pair.monthS = monthRunS[month - 1];
  }
  const paired = pairs ? pairedRatio(fresh) : null;

  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await database.close();
  if (!values.keep) await database.drop?.();
  console.log(
    JSON.stringify({
      driver: database.driver,
      accounts,
      items,
      invoices: first.posted,
      run_s: first.seconds,
      floor_s: floorS,
      ratio: floorS === null ? null : Math.round((first.seconds / floorS) * 100) / 100,
      peak_rss_mb: Math.round(peakRss / 1024 / 1024),
      latency_ms: latencyMs,
      statements: first.statements,
      chunks: first.chunks,
      ...(simulation ? { simulate_s: simulation.seconds, lines_s: first.linesS } : {}),
      ...(months > 1
        ? { in_period: values["in-period"], month_run_s: monthRunS, month_ratio: Math.round((monthRunS[monthRunS.length - 1] / monthRunS[0]) * 100) / 100 }
        : {}),
      ...(paired ? { paired_month_run_s: paired.runS, paired_month_ratio: paired.ratio } : {}),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
