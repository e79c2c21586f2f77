import type { Page } from "@playwright/test";
import { apiOf, createAccounts, newOrganization, uniqueTag } from "./own-data";
import { expect, expectAccessible, phoneContext, test } from "./support";

// Issue 19: a cycle's schedule with its next three runs, an account put on hold and released, the audit log filtered
// to what was just done — on a desktop and at 390×844. Each test works in a new organization of its own (its cycle,
// an account created over the REST API, its audit log), so no other spec finds a schedule or a hold it left.
test.setTimeout(180_000);

async function setSchedule(page: Page, day: string) {
  await page.goto("/schedules");
  const card = page.getByTestId("schedule-card").first();
  await card.getByLabel("Day of month").fill(day);
  await card.getByLabel("Time", { exact: true }).fill("06:00");
  await card.getByLabel("Time zone").fill("Europe/Berlin");
  await card.getByLabel("What happens").selectOption("MANUAL");
  // the preview follows the form before saving
  await expect(card.getByTestId("schedule-next-runs").getByRole("listitem")).toHaveCount(3);
  await card.getByRole("button", { name: "Save schedule" }).click();
  await expect(page.getByText(/Schedule of .* saved/)).toBeVisible();
  await expect(page.getByTestId("schedule-card").first().getByText("scheduled", { exact: true })).toBeVisible();
  await expect(page.getByTestId("schedule-card").first().getByTestId("schedule-next-runs").getByRole("listitem")).toHaveCount(3);
  // a day that does not exist is named, and nothing is sent
  await page.getByTestId("schedule-card").first().getByLabel("Day of month").fill("32");
  await expect(page.getByText("day of month is 1–31")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save schedule" }).first()).toBeDisabled();
}

async function holdAndRelease(page: Page, reason: string) {
  const accounts = await createAccounts(await apiOf(page, "e2e holds"), uniqueTag("HOLD"), { count: 1 });
  await page.goto("/holds");
  await page.getByLabel("Find an account").fill(accounts.tag);
  const account = page.getByLabel("Account", { exact: true });
  await expect(account.locator("option")).toHaveText(["Choose an account", `${accounts.names[0]} (${accounts.tag}-ACC-1)`]);
  await account.selectOption(accounts.ids[0]);
  await page.getByLabel("Reason").fill(reason);
  await page.getByRole("button", { name: "Put on hold" }).click();
  // (the account is new: its hold is the only row with its name)
  const row = page.getByTestId("hold-row").filter({ hasText: accounts.names[0] });
  await expect(row.getByText("on hold")).toBeVisible();
  await expect(row).toContainText(reason);
  await row.getByRole("button", { name: /Release the hold of/ }).click();
  await expect(row.getByText("released", { exact: true })).toBeVisible();
}

async function filterAudit(page: Page) {
  await page.goto("/audit-log");
  await page.getByLabel("What", { exact: true }).selectOption("hold");
  const entries = page.getByTestId("audit-entry");
  await expect(entries.first()).toContainText("hold.release");
  await expect(entries.filter({ hasText: "hold.place" }).first()).toBeVisible();
  for (const text of await entries.locator("code").allTextContents()) expect(text).toMatch(/^hold\./);
  await page.getByLabel("What", { exact: true }).selectOption("schedule");
  await expect(entries.first()).toContainText("schedule.");
  await page.getByLabel("Action starts with").fill("schedule.create");
  await expect(entries.first()).toContainText("schedule.create");
}

test("desktop: schedule with three next runs, hold and release, audit log filtered", async ({ page }) => {
  await newOrganization(page, "SCHED");
  await setSchedule(page, "31");
  await expectAccessible(page, "schedules");
  await holdAndRelease(page, "Contract in dispute (desktop)");
  await expectAccessible(page, "holds");
  await filterAudit(page);
  await expectAccessible(page, "audit log");
});

test("phone 390×844: the same", async ({ newContext }) => {
  const context = await newContext(phoneContext);
  const page = await context.newPage();
  await newOrganization(page, "SCHED");
  await setSchedule(page, "15");
  await holdAndRelease(page, "Contract in dispute (phone)");
  await filterAudit(page);
  // nothing wider than the screen
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
