import path from "node:path";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { env } from "@/server/env";
import { log } from "@/server/log";
import { selectDriver, type DriverName } from "./driver";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database or an open transaction. */
export type Queryable = Db | Tx;

export type Database = { db: Db; driver: DriverName; close: () => Promise<void> };

export type OpenOptions = {
  url?: string;
  driver?: DriverName;
  /** PGlite: data dir, or "memory://" */
  dataDir?: string;
  /** PGlite: start from a dumped data dir (tests use a migrated snapshot) */
  loadDataDir?: Blob;
  migrate?: boolean;
  poolMax?: number;
  /** Neon driver in tests: a local WebSocket-to-TCP proxy in front of a plain Postgres */
  neonWsProxy?: string;
};

export const migrationsFolder = () => env.MIGRATIONS_DIR ?? path.join(process.cwd(), "db/migrations");

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const driver = options.driver ?? selectDriver({ DATABASE_URL: options.url, DATABASE_DRIVER: env.DATABASE_DRIVER });
  if (driver === "pglite") return openPglite(options);
  if (!options.url) throw new Error(`the ${driver} driver needs DATABASE_URL`);
  return driver === "neon" ? openNeon(options.url, options) : openNodePostgres(options.url, options);
}

async function openPglite(options: OpenOptions): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = options.dataDir ?? env.PGLITE_DATA_DIR ?? path.join(process.cwd(), ".data/pglite");
  const inMemory = dataDir.startsWith("memory://");
  let releaseLock = () => {};
  if (!inMemory) {
    const { acquirePidLock } = await import("./pid-lock");
    releaseLock = acquirePidLock(path.resolve(dataDir));
  }
  const client = new PGlite({ dataDir: inMemory ? undefined : dataDir, loadDataDir: options.loadDataDir });
  await client.waitReady;
  const db = drizzle({ client, schema }) as unknown as Db;
  if (options.migrate ?? true) {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(db as never, { migrationsFolder: migrationsFolder() });
  }
  return {
    db,
    driver: "pglite",
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

/** Connections per Postgres pool: the caller's, else DB_POOL_MAX (default 10). */
const poolSize = (options: OpenOptions) => options.poolMax ?? env.DB_POOL_MAX;

async function openNodePostgres(url: string, options: OpenOptions): Promise<Database> {
  const { Pool } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const pool = new Pool({ connectionString: url, max: poolSize(options) });
  pool.on("error", logIdleClientError);
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  if (options.migrate) {
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    await migrate(db as never, { migrationsFolder: migrationsFolder() });
  }
  return { db, driver: "node-postgres", close: () => pool.end() };
}

async function openNeon(url: string, options: OpenOptions): Promise<Database> {
  const { Pool, neonConfig } = await import("@neondatabase/serverless");
  const { drizzle } = await import("drizzle-orm/neon-serverless");
  const { default: ws } = await import("ws");
  neonConfig.webSocketConstructor = ws;
  const localProxy = options.neonWsProxy;
  if (localProxy) {
    // Test setup: Neon's wire protocol over a local WebSocket-to-TCP proxy in front of a plain Postgres.
    neonConfig.wsProxy = (host, port) => `${localProxy}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    neonConfig.forceDisablePgSSL = true;
    neonConfig.coalesceWrites = false;
  }
  const pool = new Pool({ connectionString: url, max: poolSize(options) });
  pool.on("error", logIdleClientError);
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  if (options.migrate) {
    const { migrate } = await import("drizzle-orm/neon-serverless/migrator");
    await migrate(db as never, { migrationsFolder: migrationsFolder() });
  }
  return { db, driver: "neon", close: () => pool.end() };
}

// An idle pooled connection closed by the server (restart, failover) must not crash the process;
// the pool replaces it on the next query.
function logIdleClientError(error: Error) {
  log.warn({ err: error.message }, "idle database connection closed");
}

/** Runs raw SQL and returns its rows, whatever the driver. */
/** The embedded database (PGlite): one connection, one process. */
export function isEmbeddedDatabase(db: Queryable): boolean {
  return Boolean((db as unknown as { $client?: { dumpDataDir?: unknown } }).$client?.dumpDataDir);
}

export async function queryRows<T>(db: Queryable, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

type PoolLike = { connect(): Promise<ListeningClient> };
type ListeningClient = {
  query(text: string): Promise<unknown>;
  on(event: "notification", listener: (message: { channel: string }) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  release(destroy?: boolean): void;
};

/**
 * LISTEN on a channel: `onNotify` runs when any process commits a NOTIFY on it (Postgres delivers notifications at
 * commit). node-postgres and Neon pools hold one connection for it; the embedded database has one process, so it
 * needs none (null). Returns the function that stops listening.
 */
export async function listen(db: Db, channel: string, onNotify: () => void, onError: (error: Error) => void): Promise<(() => void) | null> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
  if (isEmbeddedDatabase(db)) return null;
  const pool = (db as unknown as { $client?: Partial<PoolLike> }).$client;
  if (typeof pool?.connect !== "function") return null;
  const client = await pool.connect();
  client.on("notification", (message) => {
    if (message.channel === channel) onNotify();
  });
  client.on("error", onError);
  await client.query(`LISTEN ${channel}`);
  return () => client.release(true);
}
