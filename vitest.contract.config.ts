import path from "node:path";
import { defineConfig } from "vitest/config";

// Contract suite: the REST API and the run webhook over real HTTP against the built app.
// CONTRACT_BASE_URL targets a running app (seeded through CONTRACT_DATABASE_URL, its Postgres); without it the
// setup starts `next start` on a fresh database (DATABASE_URL's Postgres, else an embedded PGlite directory).
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/contract/**/*.test.ts"],
    globalSetup: ["tests/contract/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
  },
});
