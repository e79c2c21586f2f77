import type { Page } from "@playwright/test";
import { apiOf, createAccounts, runFor, uniqueTag } from "./own-data";
import { expect, logIn, phoneContext, saveScreenshot, test } from "./support";

// The review queue (#19): keyboard review on a desktop, and on the phone (390×844) one card at a time until the run's
// flagged invoices are cleared. Each test bills accounts of its own (created over the REST API) in a run of its own:
// first invoices of new accounts, each SUSPECT ("First invoice of the account").

test.setTimeout(240_000);

const progress = (page: Page) => page.getByTestId("review-progress");

/** `count` new accounts billed in a run of their own, processed to drafts; opens its review queue. Returns their names. */
async function runToReview(page: Page, prefix: string, count: number): Promise<string[]> {
  const api = await apiOf(page, `e2e review queue ${prefix}`);
  const accounts = await createAccounts(api, uniqueTag(prefix), { count });
  const runId = await runFor(api, accounts);
  await page.goto(`/billing-runs/${runId}`);
  const link = page.getByTestId("review-queue-link");
  await expect(link).toHaveText(`Review ${count} flagged invoices`);
  await link.click();
  await page.waitForURL(/\/review$/);
  await expect(page.getByTestId("review-card")).toBeVisible({ timeout: 30_000 });
  return accounts.names;
}

test("desktop: keyboard review (j/k, v, r with a reason, q)", async ({ page }) => {
  await logIn(page);
  const names = await runToReview(page, "RQD", 5);
  await expect(page.getByTestId("review-shortcuts")).toContainText("validate");
  await expect(progress(page)).toHaveText("0 of 5 reviewed");
  const account = page.getByTestId("review-account");

  // j / k move between cards (in the order of the account names) without reviewing
  await expect(account).toHaveText(names[0]);
  const first = names[0];
  await page.keyboard.press("j");
  await expect(account).toHaveText(names[1]);
  await page.keyboard.press("k");
  await expect(account).toHaveText(first);

  // v validates and moves on
  await expect(page.getByRole("button", { name: "Validate" })).toBeEnabled();
  await page.keyboard.press("v");
  await expect(progress(page)).toHaveText(/^1 of/);
  await expect(account).toHaveText(names[1]);

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
  await expect(account).toHaveText(names[2]);
  await saveScreenshot(page, "desktop-review-queue");

  // q quarantines (after the dialog's confirmation)
  await expect(page.getByRole("button", { name: "Quarantine" })).toBeEnabled();
  await page.keyboard.press("q");
  await page.getByRole("dialog").getByRole("button", { name: "Quarantine" }).click();
  await expect(progress(page)).toHaveText(/^3 of/);
  await expect(account).toHaveText(names[3]);
});

test("phone: the queue clears the run's suspects at 390×844", async ({ newContext }) => {
  const context = await newContext(phoneContext);
  const page = await context.newPage();
  await logIn(page);
  const total = 3;
  const names = await runToReview(page, "RQP", total);
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

  // Validate every card, one after the other
  for (let i = 0; i < total; i++) {
    await expect(progress(page)).toHaveText(`${i} of ${total} reviewed`);
    await expect(page.getByTestId("review-account")).toHaveText(names[i]);
    await expect(page.getByRole("button", { name: "Validate" })).toBeEnabled({ timeout: 30_000 });
    await page.getByRole("button", { name: "Validate" }).click();
  }
  await expect(page.getByText(`All ${total} reviewed`)).toBeVisible();
  await saveScreenshot(page, "phone-review-queue-done");

  // back on the run: nothing is flagged any more
  await page.getByRole("link", { name: /^Back to BR-/ }).click();
  await expect(page.getByTestId("run-number")).toBeVisible();
  await expect(page.getByTestId("review-queue-link")).toBeHidden();
});
