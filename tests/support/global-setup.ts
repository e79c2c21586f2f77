import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "@/db/client";
import { startNeonWsProxy } from "./neon-ws-proxy";
import { pgAdminUrl, pgliteSnapshotPath, runIsAlive, templateDbName, testDbKind, withDatabase } from "./test-db-config";

/**
 * Runs once per `vitest run`: migrates a database once so each test file starts from a copy
 * (a PGlite data-dir snapshot, or a Postgres template database) instead of paying init + migrations.
 */
export default async function setup(project: TestProject) {
  const kind = testDbKind();
  const runId = String(process.pid);
  project.provide("testRunId", runId);
  if (kind === "pglite") {
    const database = await openDatabase({ driver: "pglite", dataDir: "memory://" });
    const client = (database.db as unknown as { $client: { dumpDataDir: (c: "gzip") => Promise<Blob> } }).$client;
    const dump = await client.dumpDataDir("gzip");
    const snapshotPath = pgliteSnapshotPath(runId);
    fs.mkdirSync(path.dirname(snapshotPath), { recursive: true });
    fs.writeFileSync(snapshotPath, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    console.info("[tests] database: embedded PGlite (migrated snapshot)");
    return () => fs.rmSync(snapshotPath, { force: true });
  }

  const { Client } = await import("pg");
  const admin = new Client({ connectionString: pgAdminUrl() });
  await admin.connect();
  // leftovers of interrupted earlier runs (their process is gone); a concurrent run's databases are left alone
  const stale = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'billrun\\_test\\_%'`);
  for (const { datname } of stale.rows) {
    const owner = /^billrun_test_(\d+)_/.exec(datname)?.[1];
    if (!owner || !runIsAlive(owner)) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
  const template = templateDbName(runId);
  await admin.query(`CREATE DATABASE ${template}`);
  const migrated = await openDatabase({ driver: "node-postgres", url: withDatabase(pgAdminUrl(), template), migrate: true });
  await migrated.close();
  await admin.end();

  let proxy: Awaited<ReturnType<typeof startNeonWsProxy>> | undefined;
  if (kind === "neon") {
    proxy = await startNeonWsProxy();
    project.provide("neonWsProxy", proxy.address);
  }
  console.info(`[tests] database: Postgres via ${kind === "neon" ? "the Neon serverless driver (local WebSocket proxy)" : "node-postgres"}`);
  return async () => {
    await proxy?.close();
    const dropper = new Client({ connectionString: pgAdminUrl() });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await dropper.end();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    neonWsProxy: string;
    /** the `vitest run` that owns this run's snapshot / template database */
    testRunId: string;
  }
}
