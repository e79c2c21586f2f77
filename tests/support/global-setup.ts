import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "@/db/client";
import { startNeonWsProxy } from "./neon-ws-proxy";
import { pgAdminUrl, pgliteSnapshotPath, templateDbName, testDbKind, withDatabase } from "./test-db-config";

/**
 * Runs once per `vitest run`: migrates a database once so each test file starts from a copy
 * (a PGlite data-dir snapshot, or a Postgres template database) instead of paying init + migrations.
 */
export default async function setup(project: TestProject) {
  const kind = testDbKind();
  if (kind === "pglite") {
    const database = await openDatabase({ driver: "pglite", dataDir: "memory://" });
    const client = (database.db as unknown as { $client: { dumpDataDir: (c: "gzip") => Promise<Blob> } }).$client;
    const dump = await client.dumpDataDir("gzip");
    fs.mkdirSync(path.dirname(pgliteSnapshotPath()), { recursive: true });
    fs.writeFileSync(pgliteSnapshotPath(), Buffer.from(await dump.arrayBuffer()));
    await database.close();
    console.info("[tests] database: embedded PGlite (migrated snapshot)");
    return;
  }

  const { Client } = await import("pg");
  const admin = new Client({ connectionString: pgAdminUrl() });
  await admin.connect();
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${templateDbName}'`);
  await admin.query(`DROP DATABASE IF EXISTS ${templateDbName}`);
  await admin.query(`CREATE DATABASE ${templateDbName}`);
  const template = await openDatabase({ driver: "node-postgres", url: withDatabase(pgAdminUrl(), templateDbName), migrate: true });
  await template.close();
  // leftovers of an interrupted earlier run
  const stale = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'billrun_test_%' AND datname <> '${templateDbName}'`);
  for (const row of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  await admin.end();

  let proxy: Awaited<ReturnType<typeof startNeonWsProxy>> | undefined;
  if (kind === "neon") {
    proxy = await startNeonWsProxy();
    project.provide("neonWsProxy", proxy.address);
  }
  console.info(`[tests] database: Postgres via ${kind === "neon" ? "the Neon serverless driver (local WebSocket proxy)" : "node-postgres"}`);
  return async () => {
    await proxy?.close();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    neonWsProxy: string;
  }
}
