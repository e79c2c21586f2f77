import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * On the Neon driver (TEST_DB=neon) the suite leaves out the files that exercise nothing of the driver: HTTP shape
 * (body limits, OpenAPI, parity, fuzzing, cross-site, sign-up policy), documents and e-invoice XML, the VAT rule table
 * and SSRF checks. They run on PGlite and on Postgres through node-postgres; what differs between the drivers —
 * transactions, locks and races, error codes, large parameter arrays, the engine, outbox and webhooks — runs on all
 * three. Keeps CI within its time budget.
 */
const DRIVER_NEUTRAL = [
  "api-body-limits",
  "api-fuzz",
  "api-fuzz-property",
  "api-openapi",
  "api-parity",
  "auth",
  "cross-site",
  "document-i18n",
  "documents",
  "einvoice-run",
  "en16931-currency",
  "inngest-document-functions",
  "sign-up-policy",
  "tax-determination",
  "trpc-access",
  "webhook-retention",
  "webhook-target-guard",
].map((name) => `tests/integration/${name}.test.ts`);

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", ".next/**", "tests/e2e/**", "tests/contract/**", ".data/**", ...(process.env.TEST_DB === "neon" ? DRIVER_NEUTRAL : [])],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/runtime-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    // Test files of a worker share their module graph: each file's imports (the composition root, the engine, the
    // document builders) cost ~2–3 s to load, which isolation paid ~90 times per suite (PGlite suite: 498 s isolated,
    // 176–264 s shared, same day). Every file builds its own database and composes its own runtime in setupFiles, and
    // no test mocks modules; state that must not leak lives in the runtime or the database, not in module globals.
    isolate: false,
  },
});
