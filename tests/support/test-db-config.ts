import path from "node:path";

/** Which database the integration suite runs on: TEST_DB=pglite (default) | pg | neon. */
export type TestDbKind = "pglite" | "pg" | "neon";

export function testDbKind(): TestDbKind {
  const kind = process.env.TEST_DB ?? "pglite";
  if (kind !== "pglite" && kind !== "pg" && kind !== "neon") throw new Error(`TEST_DB must be pglite, pg or neon, got ${kind}`);
  return kind;
}

export const pgAdminUrl = () => process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
// Names carry the id of the `vitest run` that made them (its process id), so two test runs on one machine
// (two checkouts, or a run while another is going) never share or drop each other's databases.
export const templateDbName = (runId: string) => `billrun_test_${runId}_template`;
export const testDbPrefix = (runId: string) => `billrun_test_${runId}_`;
export const pgliteSnapshotPath = (runId: string) => path.join(process.cwd(), `.data/test/pglite-migrated-${runId}.tar.gz`);

/** Whether the process that made a test database still runs (leftovers of dead runs are dropped). */
export function runIsAlive(runId: string): boolean {
  try {
    process.kill(Number(runId), 0);
    return true;
  } catch {
    return false;
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
