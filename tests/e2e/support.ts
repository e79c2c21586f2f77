import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";

export const demoUser = { email: "demo@billrun.local", password: "demo-password-2026" };

export const phoneViewport = { width: 390, height: 844 };
export const desktopViewport = { width: 1440, height: 900 };
export const phoneContext: BrowserContextOptions = { viewport: phoneViewport, hasTouch: true, isMobile: true };

// ---- Every page fails its test on a console error, an uncaught error or a hydration warning ----

const problemsOf = new WeakMap<Page, { problems: string[]; allowed: RegExp[] }>();

/** Records console errors (hydration warnings are console errors in React 19) and uncaught page errors. */
export function guardPage(page: Page) {
  if (problemsOf.has(page)) return;
  // The outbox previews e-mails in an iframe sandboxed without scripts, on purpose: Chromium reports the script it
  // blocked there (an e-mail's own markup) as a console error.
  const state = { problems: [] as string[], allowed: [/^Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed/] as RegExp[] };
  problemsOf.set(page, state);
  const record = (text: string) => {
    if (!state.allowed.some((pattern) => pattern.test(text))) state.problems.push(`${page.url()}: ${text}`);
  };
  page.on("pageerror", (error) => record(`uncaught ${error.name}: ${error.message}`));
  page.on("console", (message) => {
    // React reports a hydration mismatch as an error; an older React or a dev build may warn instead.
    if (message.type() === "error" || (message.type() === "warning" && /hydrat/i.test(message.text()))) record(message.text());
  });
}

/** A test that provokes an error on purpose (e.g. a refused sign-in answering 401) names the message it expects. */
export function allowConsoleError(page: Page, pattern: RegExp) {
  guardPage(page);
  problemsOf.get(page)!.allowed.push(pattern);
}

export function consoleProblems(page: Page): string[] {
  return problemsOf.get(page)?.problems ?? [];
}

// the pages of a context, kept after it is closed
const pagesOf = new WeakMap<BrowserContext, Page[]>();

function guardContext(context: BrowserContext) {
  const pages: Page[] = [];
  pagesOf.set(context, pages);
  const guard = (page: Page) => {
    guardPage(page);
    pages.push(page);
  };
  for (const page of context.pages()) guard(page);
  context.on("page", guard);
}

function expectNoProblems(context: BrowserContext) {
  const problems = (pagesOf.get(context) ?? []).flatMap(consoleProblems);
  expect(problems, "console errors, uncaught errors or hydration warnings on the pages visited").toEqual([]);
}

/**
 * The suite's `test`: its `page` (and every page of a context opened through `newContext`) is guarded; the test
 * fails at its end if any of them logged a console error, threw, or warned about hydration.
 */
export const test = base.extend<{ newContext: (options?: BrowserContextOptions) => Promise<BrowserContext> }>({
  // (the fixtures' callback is not named `use`: eslint would take it for React's hook)
  context: async ({ context }, provide) => {
    guardContext(context);
    await provide(context);
    expectNoProblems(context);
  },
  newContext: async ({ browser }, provide) => {
    const opened: BrowserContext[] = [];
    await provide(async (options) => {
      const context = await openContext(browser, options);
      opened.push(context);
      return context;
    });
    for (const context of opened) {
      expectNoProblems(context);
      await context.close();
    }
  },
});

async function openContext(browser: Browser, options?: BrowserContextOptions) {
  const context = await browser.newContext(options);
  guardContext(context);
  return context;
}

export { expect };

// ---- Accessibility: axe-core, WCAG 2.2 AA, in light and dark mode ----

const wcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** Resolves when every finite animation and transition (a dialog's fade-in, a sheet sliding in) has finished. */
export async function animationsSettled(page: Page) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => Number.isFinite(animation.effect?.getComputedTiming().endTime ?? Infinity))
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/** Runs axe once on what the page shows now; every serious or critical violation, one line each, tagged with `label`. */
async function seriousViolations(page: Page, label: string, exclude: string[]): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(wcagTags);
  for (const selector of exclude) builder.exclude(selector);
  const results = await builder.analyze();
  const violations: string[] = [];
  for (const violation of results.violations) {
    if (violation.impact !== "serious" && violation.impact !== "critical") continue;
    const targets = violation.nodes.slice(0, 5).map((node) => `${node.target.join(" ")}${node.failureSummary ? ` (${node.failureSummary.replace(/\s+/g, " ").slice(0, 160)})` : ""}`);
    violations.push(`[${label}] ${violation.id} (${violation.impact}, ${violation.nodes.length}×): ${violation.help} — ${targets.join("; ")}`);
  }
  return violations;
}

/**
 * Runs axe on what the page shows now (an open dialog included) in the light and the dark colour scheme and returns
 * every serious or critical violation, one line each. The theme follows the system's scheme (next-themes), emulated
 * here; the page is left in the light scheme. `exclude`: selectors axe skips — an iframe sandboxed without scripts
 * must be (axe's run inside it waits forever for timers that never fire); check its document with `documentViolations`.
 */
export async function axeViolations(page: Page, { exclude = [] }: { exclude?: string[] } = {}): Promise<string[]> {
  const violations: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator("html")).toHaveClass(new RegExp(`\\b${colorScheme}\\b`));
    // a colour measured half way through a transition would be neither the light nor the dark one
    await animationsSettled(page);
    violations.push(...(await seriousViolations(page, colorScheme, exclude)));
  }
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).toHaveClass(/\blight\b/);
  return violations;
}

/**
 * Runs axe on an HTML document of its own (e.g. an e-mail the dashboard previews in a sandboxed iframe), opened in a
 * new page of the context, in the light and the dark colour scheme. Returns the serious or critical violations.
 */
export async function documentViolations(context: BrowserContext, html: string): Promise<string[]> {
  const page = await context.newPage();
  try {
    await page.setContent(html);
    const violations: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      violations.push(...(await seriousViolations(page, colorScheme, [])));
    }
    return violations;
  } finally {
    await page.close();
  }
}

/** The specs' one-line check: no serious or critical axe violation on what the page shows now (light and dark). */
export async function expectAccessible(page: Page, name: string) {
  expect.soft(await axeViolations(page), `axe: serious or critical WCAG 2.2 AA violations on ${name}`).toEqual([]);
}

const screenshotDir = path.join("test-results", "screenshots");

/** Full-page screenshot kept for reviewers under test-results/screenshots/<name>.png. */
export async function saveScreenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  // Full-page captures of a scrolled page would show the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true, animations: "disabled" });
}

/** Opens the sign-in page and waits until React has hydrated its form. */
export async function openLoginForm(page: Page, { timeout = 30_000 } = {}) {
  await page.goto("/login", { timeout });
  // Before hydration a click would submit the form natively (a GET with the password in the URL).
  await page.waitForFunction(
    () => {
      const button = document.querySelector("form button[type=submit]");
      return !!button && Object.keys(button).some((key) => key.startsWith("__reactFiber"));
    },
    null,
    { timeout },
  );
}

export async function logIn(page: Page, user = demoUser, { timeout = 30_000 } = {}) {
  await openLoginForm(page, { timeout });
  await page.getByLabel("E-mail").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  // better-auth rate-limits sign-ins in production (a few per 10 s): wait out the window and retry.
  for (let attempt = 0; ; attempt++) {
    await page.getByRole("button", { name: "Sign in" }).click();
    const outcome = await Promise.race([
      page.waitForURL("**/billing-runs", { timeout }).then(() => "in" as const),
      page
        .getByRole("alert")
        .filter({ hasText: /too many requests/i })
        .waitFor({ timeout })
        .then(() => "limited" as const),
    ]);
    if (outcome === "in" || attempt >= 3) break;
    await page.waitForTimeout(11_000);
  }
  await expect(page).toHaveURL(/\/billing-runs/);
  await expect(page.getByRole("heading", { name: "Billing runs" })).toBeVisible({ timeout });
}
