/**
 * npm run bench:first-start -- [--port 3251] [--keep-next]
 *
 * A newcomer's first start: `npm run dev` on a fresh `.next/dev` (deleted unless --keep-next) and a fresh embedded database
 * (migrations and demo data are created by the first request), driven by Chromium like a person would:
 *  1. open /login until the form works (hydrated; the dev server compiles the route on this request),
 *  2. sign in as the demo user and wait for the "Billing runs" heading (the dashboard route, tRPC, the database),
 *  3. open the first run of the list and wait for its number (the run page's route and its tRPC queries).
 * Prints one JSON line: {"login_s","dashboard_s","run_page_s","total_s"} — seconds from spawning `npm run dev`.
 * Wall-clock figures of a shared machine: compare runs made one after the other, not across days.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";

const { values } = parseArgs({
  options: { port: { type: "string", default: "3251" }, "keep-next": { type: "boolean", default: false } },
});
const port = Number(values.port);
const baseURL = `http://localhost:${port}`;
const dataDir = `.data/first-start-${process.pid}`;
const log = (message: string) => console.error(`[bench:first-start] ${message}`);

// `next dev` keeps its build and its Turbopack cache in .next/dev (a production build in .next stays untouched)
if (!values["keep-next"]) fs.rmSync(".next/dev", { recursive: true, force: true });
fs.rmSync(dataDir, { recursive: true, force: true });

const started = performance.now();
const seconds = () => Math.round((performance.now() - started) / 100) / 10;
// exactly what a newcomer types (the project's dev script), on another port
const server = spawn("npm", ["run", "dev", "--", "-p", String(port)], {
  env: { ...process.env, PGLITE_DATA_DIR: dataDir, NODE_ENV: "development", LOG_LEVEL: "warn" },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});
server.stdout.on("data", (chunk: Buffer) => process.env.VERBOSE && process.stderr.write(chunk));
server.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));

const browser = await chromium.launch({
  executablePath: fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  // The server is not listening yet: retry the first navigation until it answers.
  for (;;) {
    try {
      await page.goto(`${baseURL}/login`, { timeout: 900_000 });
      break;
    } catch (error) {
      if (!/ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|interrupted by another navigation/.test(String(error))) throw error;
      await page.waitForTimeout(200);
    }
  }
  await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 900_000 });
  // Shown is not usable: the page counts once React has hydrated it (the dev-only "Fill in the demo login" works).
  const email = page.getByLabel("E-mail");
  while ((await email.inputValue()) === "") {
    await page.getByRole("button", { name: "Fill in the demo login" }).click();
    await page.waitForTimeout(100);
  }
  const login = seconds();
  log(`login page usable after ${login} s`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Billing runs" }).waitFor({ timeout: 900_000 });
  const dashboard = seconds();
  log(`dashboard shown after ${dashboard} s`);
  // the desktop table's link to a run (the phone cards' link is hidden at this size)
  await page.locator('a[href^="/billing-runs/"]:visible', { hasText: /\d/ }).first().click();
  await page.getByTestId("run-number").waitFor({ timeout: 900_000 });
  const runPage = seconds();
  log(`run page shown after ${runPage} s`);
  console.log(JSON.stringify({ login_s: login, dashboard_s: dashboard, run_page_s: runPage, total_s: runPage }));
} finally {
  await browser.close();
  if (server.pid) process.kill(-server.pid, "SIGTERM");
  fs.rmSync(dataDir, { recursive: true, force: true });
}
