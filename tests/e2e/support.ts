import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

export const demoUser = { email: "demo@billrun.local", password: "demo-password-2026" };

export const phoneViewport = { width: 390, height: 844 };

const screenshotDir = path.join("test-results", "screenshots");

/** Full-page screenshot kept for reviewers under test-results/screenshots/<name>.png. */
export async function saveScreenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  // Full-page captures of a scrolled page would show the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true, animations: "disabled" });
}

export async function logIn(page: Page, user = demoUser) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  // better-auth rate-limits sign-ins in production (a few per 10 s): wait out the window and retry.
  for (let attempt = 0; ; attempt++) {
    await page.getByRole("button", { name: "Sign in" }).click();
    const outcome = await Promise.race([
      page.waitForURL("**/billing-runs", { timeout: 30_000 }).then(() => "in" as const),
      page
        .getByRole("alert")
        .filter({ hasText: /too many requests/i })
        .waitFor({ timeout: 30_000 })
        .then(() => "limited" as const),
    ]);
    if (outcome === "in" || attempt >= 3) break;
    await page.waitForTimeout(11_000);
  }
  await expect(page).toHaveURL(/\/billing-runs/);
  await expect(page.getByRole("heading", { name: "Billing runs" })).toBeVisible();
}
