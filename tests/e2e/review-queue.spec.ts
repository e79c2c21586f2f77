import type { Page } from "@playwright/test";
import { expect, logIn, phoneContext, saveScreenshot, test } from "./support";

// The review queue (#19) on the run the review flow leaves with drafts ready: keyboard review on a desktop, then the
// phone clears what is left, one card at a time, at 390×844.

test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

const progress = (page: Page) => page.getByTestId("review-progress");
const reviewedCount = async (page: Page) => Number((await progress(page).textContent())?.match(/^(\d+) of/)?.[1] ?? NaN);

/** The queue of the newest run with drafts ready and flagged invoices (left by review-flow.spec.ts). */
async function openQueue(page: Page): Promise<string> {
  await page.goto("/billing-runs");
  const links = page.locator("[data-testid=data-table-row]:visible").filter({ hasText: "Drafts ready" }).getByRole("link");
  const hrefs = await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute("href")));
  for (const href of hrefs) {
    if (!href || !/^\/billing-runs\/[0-9a-f-]{36}$/.test(href)) continue;
    await page.goto(href);
    const link = page.getByTestId("review-queue-link");
    if (await link.isVisible({ timeout: 10_000 }).catch(() => false)) {
      await link.click();
      await page.waitForURL(/\/review$/);
      await expect(page.getByTestId("review-card")).toBeVisible({ timeout: 30_000 });
      return `${href}/review`;
    }
  }
  throw new Error("no run with drafts ready and flagged invoices: run review-flow.spec.ts first");
}

let queueUrl = "";

test("desktop: keyboard review (j/k, v, r with a reason, q)", async ({ page }) => {
  await logIn(page);
  queueUrl = await openQueue(page);
  await expect(page.getByTestId("review-shortcuts")).toContainText("validate");
  await expect(progress(page)).toHaveText(/^0 of \d+ reviewed$/);
  const account = page.getByTestId("review-account");

  // j / k move between cards without reviewing
  const first = await account.textContent();
  await page.keyboard.press("j");
  await expect(account).not.toHaveText(first!);
  await page.keyboard.press("k");
  await expect(account).toHaveText(first!);

  // v validates and moves on
  await expect(page.getByRole("button", { name: "Validate" })).toBeEnabled();
  await page.keyboard.press("v");
  await expect(progress(page)).toHaveText(/^1 of/);
  await expect(account).not.toHaveText(first!);

  // r asks the reason; typing in it triggers no shortcut
  await expect(page.getByRole("button", { name: "Reject" })).toBeEnabled();
  await page.keyboard.press("r");
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Reason")).toBeFocused();
  await page.keyboard.type("very high usage, check");
  await expect(dialog.getByLabel("Reason")).toHaveValue("very high usage, check");
  await expect(progress(page)).toHaveText(/^1 of/);
  await dialog.getByRole("button", { name: "Reject" }).click();
  await expect(progress(page)).toHaveText(/^2 of/);
  await saveScreenshot(page, "desktop-review-queue");

  // q quarantines (after the dialog's confirmation)
  await expect(page.getByRole("button", { name: "Quarantine" })).toBeEnabled();
  await page.keyboard.press("q");
  await page.getByRole("dialog").getByRole("button", { name: "Quarantine" }).click();
  await expect(progress(page)).toHaveText(/^3 of/);
});

test("phone: the queue clears the run's suspects at 390×844", async ({ newContext }) => {
  const context = await newContext(phoneContext);
  const page = await context.newPage();
  await logIn(page);
  expect(queueUrl, "the desktop test found the queue").not.toBe("");
  await page.goto(queueUrl);
  await expect(page.getByTestId("review-card")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("review-shortcuts")).toBeHidden();
  await saveScreenshot(page, "phone-review-queue");

  // every visible target on the phone is at least 44×44 px
  for (const target of await page.locator("main").locator("a, button, input, [role=checkbox]").filter({ visible: true }).all()) {
    const box = await target.boundingBox();
    if (!box) continue;
    const name = (await target.getAttribute("aria-label")) ?? (await target.innerText());
    expect(box.height, `${name}: height`).toBeGreaterThanOrEqual(44);
    expect(box.width, `${name}: width`).toBeGreaterThanOrEqual(44);
  }

  // Validate every card the queue still holds (the rejected one from the desktop counts as a card to review again)
  const total = Number((await progress(page).textContent())?.match(/of (\d+)/)?.[1]);
  expect(total).toBeGreaterThan(0);
  for (let i = 0; i < total && !(await page.getByText(/^All \d+ reviewed$/).isVisible()); i++) {
    const before = await reviewedCount(page);
    await expect(page.getByRole("button", { name: "Validate" })).toBeEnabled({ timeout: 30_000 });
    await page.getByRole("button", { name: "Validate" }).click();
    await expect.poll(() => reviewedCount(page).catch(() => total)).toBeGreaterThan(before);
  }
  await expect(page.getByText(`All ${total} reviewed`)).toBeVisible();
  await saveScreenshot(page, "phone-review-queue-done");

  // back on the run: nothing is flagged any more
  await page.getByRole("link", { name: /^Back to BR-/ }).click();
  await expect(page.getByTestId("run-number")).toBeVisible();
  await expect(page.getByTestId("review-queue-link")).toBeHidden();
});
