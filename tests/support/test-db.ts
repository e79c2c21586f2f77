import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { openDatabase, type Database } from "@/db/client";
import { runtime, runtimeComposed } from "@/server/runtime";
import { pgAdminUrl, pgliteSnapshotPath, templateDbName, testDbKind, testDbPrefix, withDatabase } from "./test-db-config";

export type TestDatabase = Database & { url?: string };

/**
 * A fresh, migrated database for one test file, on the engine chosen by TEST_DB.
 * PGlite: an in-memory copy of the migrated snapshot. Postgres: a new database cloned from the template.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const kind = testDbKind();
  const runId = inject("testRunId");
  if (kind === "pglite") {
    const snapshot = new Blob([fs.readFileSync(pgliteSnapshotPath(runId))]);
    const database = await openDatabase({ driver: "pglite", dataDir: "memory://", loadDataDir: snapshot, migrate: false });
    return { ...database, close: () => closeAfterSweeps(database) };
  }
  const { Client } = await import("pg");
  const name = `${testDbPrefix(runId)}${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new Client({ connectionString: pgAdminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDbName(runId)}`);
  await admin.end();
  const url = withDatabase(pgAdminUrl(), name);
  const neonWsProxy = kind === "neon" ? inject("neonWsProxy") : undefined;
  const database = await openDatabase({ driver: kind === "neon" ? "neon" : "node-postgres", url, migrate: false, poolMax: 6, neonWsProxy });
  return {
    ...database,
    url,
    close: async () => {
      await closeAfterSweeps(database);
      // pool.end() resolves before the last socket is gone; let it go before forcing the drop
      await new Promise((resolve) => setTimeout(resolve, 100));
      const dropper = new Client({ connectionString: pgAdminUrl() });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** Jobs and outbox passes started by the file's last test would otherwise fail against a closed database. */
async function closeAfterSweeps(database: Database) {
  if (runtimeComposed()) {
    const { jobs, outbox } = runtime();
    await jobs.idle();
    await outbox.idle();
    (outbox as { stop?: () => void }).stop?.();
  }
  await database.close();
}
