import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = process.env.E2E_BASE_URL ?? `http://localhost:${PORT}`;

// Debian's Chromium: Playwright's browser download does not work on these machines.
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const executablePath = fs.existsSync(chromiumPath) ? chromiumPath : undefined;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/artifacts",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    // The smoke test needs the untouched demo data (only the posted demo month), so it runs before the flows.
    { name: "smoke", testMatch: /smoke\.spec\.ts/, use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 } } },
    // Every other spec, the axe tour included, in any order: none relies on what another spec left. Those that need
    // particular accounts, runs or settings make their own (tests/e2e/own-data.ts); only review-flow (and credit-note,
    // when it finds no posted run) bills the demo's items.
    { name: "flows", testIgnore: /smoke\.spec\.ts/, dependencies: ["smoke"], use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 } } },
  ],
  webServer: process.env.E2E_BASE_URL
    ? undefined
    : {
        // The app is built before (CI runs `npm run build`); a fresh embedded database gives fresh demo data.
        command: `rm -rf .data/e2e-pglite* && npm run start -- -p ${PORT}`,
        url: `${baseURL}/login`,
        timeout: 180_000,
        reuseExistingServer: false,
        stdout: "pipe",
        stderr: "pipe",
        env: {
          PGLITE_DATA_DIR: ".data/e2e-pglite",
          APP_URL: baseURL,
          BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? "e2e-only-secret-0123456789abcdefghijklmnop",
          // onboarding.spec.ts signs up a new organization (invite-only is covered by tests/integration/sign-up-policy.test.ts)
          OPEN_SIGNUP: "1",
          // the suite signs in dozens of times from one address within minutes; the per-IP limit is tested in api-rate-limit.test.ts
          AUTH_RATE_LIMIT_PER_MINUTE: "1000",
        },
      },
});
