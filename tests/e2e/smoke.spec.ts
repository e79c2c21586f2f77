import { allowConsoleError, expect, logIn, openLoginForm, phoneContext, saveScreenshot, test } from "./support";

test.describe("foundation smoke", () => {
  test("redirects to the login page when signed out", async ({ page }) => {
    await page.goto("/billing-runs");
    await page.waitForURL("**/login");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  });

  test("has a favicon (no 404 for it on every page)", async ({ page }) => {
    await page.goto("/login");
    // every icon the page links (the SVG and the .ico), and /favicon.ico, which Chromium may ask for on its own
    const hrefs = await page.locator('link[rel="icon"]').evaluateAll((links) => links.map((link) => link.getAttribute("href")));
    expect(hrefs.some((href) => href?.includes(".svg"))).toBe(true);
    for (const href of [...hrefs, "/favicon.ico"]) {
      const icon = await page.request.get(href!);
      expect(icon.status(), href!).toBe(200);
      expect(icon.headers()["content-type"], href!).toMatch(/^image\/(svg\+xml|x-icon|vnd\.microsoft\.icon)/);
    }
  });

  test("says which sign-in field is wrong before asking the server", async ({ page }) => {
    await openLoginForm(page);
    await page.getByLabel("E-mail").fill("demo@billrun");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByLabel("E-mail")).toHaveAccessibleDescription("Enter a valid e-mail address");
    await expect(page.getByLabel("Password")).toHaveAccessibleDescription("Enter your password");
    await page.getByLabel("E-mail").fill("demo@billrun.local");
    await page.getByLabel("Password").fill("x");
    await expect(page.getByLabel("E-mail")).toHaveAttribute("aria-invalid", "false");
  });

  test("refuses a wrong password with a message", async ({ page }) => {
    // the browser logs the refused sign-in request
    allowConsoleError(page, /status of 401/);
    await page.goto("/login");
    await page.getByLabel("E-mail").fill("demo@billrun.local");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /password/i })).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });

  test("the demo user logs in and sees the demo's previous month, posted", async ({ page }) => {
    await page.goto("/login");
    await saveScreenshot(page, "desktop-login");
    await logIn(page);
    await expect(page.getByTestId("tenant-name")).toContainText("Demo");
    // posted by background jobs on the first start: the list shows it at once, Posted once the jobs are done
    await expect(page.locator("[data-testid=data-table-row]:visible")).toHaveCount(1);
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("run-status").filter({ visible: true }).first()).toHaveText("Posted", { timeout: 2_000 });
    }).toPass({ timeout: 90_000 });
    await saveScreenshot(page, "desktop-billing-runs-demo");
  });

  test("the list works on a phone", async ({ newContext }) => {
    const context = await newContext(phoneContext);
    const page = await context.newPage();
    await logIn(page);
    await expect(page.getByText("September 2026 (demo: already posted)").filter({ visible: true })).toBeVisible();
    await saveScreenshot(page, "phone-billing-runs-demo");
  });
});
