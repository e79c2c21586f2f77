import type { Database, Db } from "./client";
import { openDatabase } from "./client";

// One database per process, kept on globalThis so dev-mode module reloads reuse it
// (a second PGlite on the same dir in one process would corrupt it).
const globalForDb = globalThis as unknown as { billrunDb?: Promise<Database> };

/**
 * The app's database. Call it inside a request (after `await connection()` in server components),
 * never at module load: `next build` must not open the embedded database.
 */
export function getDatabase(): Promise<Database> {
  globalForDb.billrunDb ??= (async () => {
    const { env } = await import("@/server/env");
    const { log } = await import("@/server/log");
    const url = env.DATABASE_URL;
    const database = await openDatabase({ url, migrate: !url });
    if (database.driver === "pglite") {
      const { ensureDemoData } = await import("./seed/demo");
      const created = await ensureDemoData(database.db);
      log.info({ dataDir: env.PGLITE_DATA_DIR ?? ".data/pglite" }, "embedded PGlite database, migrations applied");
      if (created) log.info(`demo data created — log in as ${created.email} / ${created.password}`);
    } else {
      log.info({ driver: database.driver }, "database driver");
    }
    return database;
  })().catch((error) => {
    globalForDb.billrunDb = undefined;
    throw error;
  });
  return globalForDb.billrunDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}
