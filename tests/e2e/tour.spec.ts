import type { Page } from "@playwright/test";
import { desktopViewport, expect, expectAccessible, logIn, phoneContext, test } from "./support";

// Issue 21: every page and dialog of the dashboard, at desktop and phone size, in light and dark mode — axe finds no
// serious or critical WCAG 2.2 AA violation; on a phone every target on the review pages is at least 44×44 px and
// the compact header gets out of the way. Runs on the runs the review flows left (a posted one, one with drafts).

test.describe.configure({ mode: "serial" });
test.setTimeout(1_200_000);

const rows = (page: Page) => page.locator("[data-testid=data-table-row]:visible, [data-testid=data-table-card]:visible");

async function openRunWithStatus(page: Page, status: string) {
  await page.goto("/billing-runs");
  const row = rows(page).filter({ has: page.getByTestId("run-status").filter({ hasText: status }) }).first();
  await row.click();
  await page.waitForURL(/\/billing-runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status").first()).toHaveText(status);
  return page.url();
}

/** Unfolds every folded section of the run page. */
async function openAllSections(page: Page) {
  for (const trigger of await page.locator("section button[aria-controls][data-state=closed]").all()) await trigger.click();
  await expect(page.locator("section button[aria-controls][data-state=closed]")).toHaveCount(0);
}

async function closeDialog(page: Page) {
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog").or(page.getByRole("alertdialog"))).toHaveCount(0);
}

/**
 * Every visible button, link, input, checkbox… (and clickable card) must offer a 44×44 px target: its box, or — for a
 * smaller control such as a checkbox with an enlarged hit area — a 44×44 square around its centre that hits it
 * everywhere (document.elementFromPoint at its corners and edge midpoints).
 */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector =
      "a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=checkbox], [role=radio], [role=combobox], [role=tab], [role=switch], [role=menuitem], [tabindex='0']";
    const small: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute("role") ? `[role=${el.getAttribute("role")}]` : ""} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40)}"`;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (el.closest("[aria-hidden=true], [inert]") || getComputedStyle(el).visibility === "hidden") continue;
      if (el.getClientRects().length === 0) continue;
      el.scrollIntoView({ block: "center", inline: "center" });
      const box = el.getBoundingClientRect();
      // visually hidden (sr-only) elements such as the skip link before it is focused
      if (box.width <= 1 || box.height <= 1) continue;
      if (box.width >= 44 && box.height >= 44) continue;
      const cx = box.left + box.width / 2;
      const cy = box.top + box.height / 2;
      const probes = [-21, 0, 21].flatMap((dx) => [-21, 0, 21].map((dy) => [cx + dx, cy + dy] as const));
      const hitsAll = probes.every(([x, y]) => {
        const hit = document.elementFromPoint(x, y);
        // a hit on the control's <label> activates it too
        const labels = el instanceof HTMLInputElement ? Array.from(el.labels ?? []) : [];
        return !!hit && (hit === el || el.contains(hit) || labels.some((label) => label.contains(hit)));
      });
      if (!hitsAll) small.push(`${describe(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    window.scrollTo(0, 0);
    return small;
  });
}

async function expectThumbSized(page: Page, name: string) {
  expect.soft(await smallTargets(page), `targets smaller than 44×44 px on ${name}`).toEqual([]);
}

for (const size of ["desktop", "phone"] as const) {
  test(`${size}: every page and dialog is accessible (axe, WCAG 2.2 AA, light and dark)`, async ({ newContext }) => {
    const phone = size === "phone";
    const context = await newContext(phone ? phoneContext : { viewport: desktopViewport });
    const page = await context.newPage();

    await page.goto("/login");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expectAccessible(page, "login");

    await logIn(page);
    await expect(rows(page).first()).toBeVisible();
    await expectAccessible(page, "billing runs list");
    // The skip link is the first thing Tab reaches, and it moves the focus to the page's content.
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect.soft(skip).toBeFocused();
    if (await skip.count()) {
      await expect(skip).toBeVisible();
      await skip.press("Enter");
      await expect(page.locator("#content")).toBeFocused();
    }
    if (phone) await expectThumbSized(page, "billing runs list");

    if (phone) {
      await page.getByRole("button", { name: "Open navigation" }).click();
      await expect(page.getByRole("dialog")).toBeVisible();
      await expectAccessible(page, "navigation sheet");
      await closeDialog(page);
    }
    await page.getByRole("button", { name: "User menu" }).click();
    await expect(page.getByRole("menu")).toBeVisible();
    await expectAccessible(page, "user menu");
    await page.keyboard.press("Escape");

    await page.getByRole("link", { name: "New billing run" }).first().click();
    await expect(page.getByRole("button", { name: "Create billing run" })).toBeVisible();
    await expectAccessible(page, "new billing run");
    if (phone) await expectThumbSized(page, "new billing run");

    // A run with drafts: every section open, an invoice selected, the bulk-action, post and cancel dialogs.
    const draftsUrl = await openRunWithStatus(page, "Drafts ready");
    await openAllSections(page);
    await expect(rows(page).first()).toBeVisible();
    await expectAccessible(page, "run with drafts, all sections open");
    if (phone) await expectThumbSized(page, "run with drafts");

    await rows(page).first().getByRole("checkbox").click();
    const selection = page.getByRole("toolbar", { name: "Selection actions" });
    await expect(selection).toBeVisible();
    await expectAccessible(page, "invoices with a selection");
    if (phone) await expectThumbSized(page, "invoices with a selection");

    await selection.getByRole("button", { name: "Reject" }).click();
    await expect(page.getByRole("dialog").getByLabel("Reason")).toBeVisible();
    await expectAccessible(page, "bulk action dialog (reject)");
    await closeDialog(page);
    await selection.getByRole("button", { name: "Clear selection" }).click();

    const actions = page.getByRole("toolbar", { name: "Billing run actions" });
    await actions.getByRole("button", { name: "Post" }).click();
    await expect(page.getByRole("alertdialog")).toBeVisible();
    await expectAccessible(page, "post dialog");
    await closeDialog(page);

    await actions.getByRole("button", { name: "Actions" }).click();
    await expect(page.getByRole("menu")).toBeVisible();
    await expectAccessible(page, "run actions menu");
    if (phone) {
      await page.getByRole("menuitem", { name: "Cancel run" }).click();
    } else {
      await page.keyboard.press("Escape");
      await actions.getByRole("button", { name: "Cancel" }).click();
    }
    await expect(page.getByRole("dialog").getByRole("radio").first()).toBeVisible();
    await expectAccessible(page, "cancel dialog");
    await closeDialog(page);

    await page.goto(draftsUrl);
    await rows(page).first().click();
    await expect(page.getByTestId("invoice-title")).toBeVisible({ timeout: 30_000 });
    await expectAccessible(page, "draft invoice");
    if (phone) await expectThumbSized(page, "draft invoice");

    // A posted run and one of its invoices.
    await openRunWithStatus(page, "Posted");
    await openAllSections(page);
    await expect(page.getByTestId("invoice-number").first()).toHaveText(/\d/);
    await expectAccessible(page, "posted run, all sections open");
    if (phone) await expectThumbSized(page, "posted run");
    const log = page.getByRole("button", { name: /^Log of the/ }).first();
    if (await log.isEnabled()) {
      await log.click();
      await expect(page.getByRole("dialog")).toBeVisible();
      await expectAccessible(page, "job log dialog");
      await closeDialog(page);
    }
    await rows(page).first().click();
    await expect(page.getByTestId("invoice-title")).toHaveText(/\d/, { timeout: 30_000 });
    await expectAccessible(page, "posted invoice");
    if (phone) await expectThumbSized(page, "posted invoice");

    await page.goto("/settings");
    await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
    await expectAccessible(page, "settings");

    await page.goto("/outbox");
    const outbox = page.getByTestId("outbox-list");
    await expect(outbox.getByRole("button", { name: "Preview" }).first()).toBeVisible();
    await expectAccessible(page, "outbox");
    await outbox.getByRole("button", { name: "Preview" }).first().click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectAccessible(page, "e-mail preview dialog");
    await closeDialog(page);
  });
}

test("phone: the compact header hides on scroll down and comes back on scroll up", async ({ newContext }) => {
  const context = await newContext(phoneContext);
  const page = await context.newPage();
  await logIn(page);
  await openRunWithStatus(page, "Drafts ready");
  await openAllSections(page);
  const header = page.getByRole("banner");
  const actions = page.getByRole("toolbar", { name: "Billing run actions" });

  // At the top: header and actions bar together take at most ~120 px of the 844 px screen.
  const actionsBox = (await actions.boundingBox())!;
  expect(actionsBox.y + actionsBox.height).toBeLessThanOrEqual(120);
  // Opaque: the content scrolled under them does not show through.
  for (const bar of [header, actions]) {
    const alpha = await bar.evaluate((el) => {
      const color = getComputedStyle(el).backgroundColor;
      const match = color.match(/[\d.]+/g) ?? [];
      return color.startsWith("rgba") || color.includes("/") ? Number(match[3] ?? match.at(-1)) : 1;
    });
    expect(alpha, "bar background opacity").toBe(1);
  }

  // Scrolling down: the header leaves, the actions bar moves to the top of the screen.
  await page.evaluate(() => window.scrollBy(0, 600));
  await expect.poll(async () => (await header.boundingBox())!.y + (await header.boundingBox())!.height).toBeLessThanOrEqual(0);
  await expect.poll(async () => (await actions.boundingBox())!.y).toBeLessThanOrEqual(1);

  // Scrolling up brings the header back.
  await page.evaluate(() => window.scrollBy(0, -200));
  await expect.poll(async () => (await header.boundingBox())!.y).toBeGreaterThanOrEqual(0);
  await expect.poll(async () => (await actions.boundingBox())!.y).toBeGreaterThanOrEqual(50);
});
