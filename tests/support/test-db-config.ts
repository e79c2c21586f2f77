import path from "node:path";

/** Which database the integration suite runs on: TEST_DB=pglite (default) | pg | neon. */
export type TestDbKind = "pglite" | "pg" | "neon";

export function testDbKind(): TestDbKind {
  const kind = process.env.TEST_DB ?? "pglite";
  if (kind !== "pglite" && kind !== "pg" && kind !== "neon") throw new Error(`TEST_DB must be pglite, pg or neon, got ${kind}`);
  return kind;
}

export const pgAdminUrl = () => process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const templateDbName = "billrun_test_template";
export const pgliteSnapshotPath = () => path.join(process.cwd(), ".data/test/pglite-migrated.tar.gz");

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
