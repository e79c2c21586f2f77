import type { Db } from "@/db/client";

/** What the functions need from the app; tests pass their own database. */
export type FunctionDeps = { getDb: () => Promise<Db> };

export const defaultDeps: FunctionDeps = {
  getDb: async () => (await import("@/db")).getDb(),
};
