import type { Page } from "@playwright/test";
import { expect, logIn, phoneContext, saveScreenshot, test } from "./support";

// The review flow of issue 4 on the demo data: create, process to drafts, filter, quarantine / reject /
// validate, post, see numbers; cancel another run with re-open; the same review on a phone.

test.describe.configure({ mode: "serial" });
// Each flow processes real runs (lines, drafts, posting) on the embedded database.
test.setTimeout(300_000);

const runStatus = (page: Page) => page.getByTestId("run-status").first();

async function openNewRunForm(page: Page) {
  await page.getByRole("link", { name: "New billing run" }).first().click();
  await page.waitForURL("**/billing-runs/new");
  await expect(page.getByRole("heading", { name: "New billing run" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create billing run" })).toBeVisible();
}

async function createCycleRun(page: Page, dates: { invoiceDate: string; cutoffDate: string }) {
  await openNewRunForm(page);
  const cycle = page.getByLabel("Billing cycle");
  if ((await cycle.textContent())?.includes("Choose")) {
    await cycle.click();
    await page.getByRole("option").first().click();
  }
  await page.getByLabel("Invoice date").fill(dates.invoiceDate);
  await page.getByLabel("Cut-off date").fill(dates.cutoffDate);
  await page.getByRole("button", { name: "Create billing run" }).click();
  await page.waitForURL(/\/billing-runs\/[0-9a-f-]{36}$/);
  await expect(runStatus(page)).toHaveText("New");
  return page.url();
}

async function processToDrafts(page: Page) {
  await page.getByRole("toolbar", { name: "Billing run actions" }).getByRole("button", { name: /Create invoices|Process/ }).click();
  await expect(runStatus(page)).toHaveText("Drafts ready", { timeout: 90_000 });
}

const visibleRows = (page: Page) => page.locator("[data-testid=data-table-row]:visible, [data-testid=data-table-card]:visible");

async function closeResults(page: Page, expected: RegExp) {
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("bulk-summary")).toHaveText(expected);
  // each result names its invoice (number or account), not a truncated id like "ccdc292e"
  for (const name of await dialog.getByTestId("bulk-result").locator("span.font-medium").allTextContents()) {
    expect(name).not.toMatch(/^[0-9a-f]{8}$/);
  }
  await dialog.getByRole("button", { name: "Close" }).first().click();
  await expect(dialog).toBeHidden();
}

async function filterInvoiceStatus(page: Page, label: string) {
  await page.getByRole("button", { name: "Status" }).last().click();
  await page.getByRole("menuitemcheckbox", { name: label }).click();
  await page.keyboard.press("Escape");
}

test("desktop: create, process, review, post, cancel another run", async ({ page }) => {
  // A hydration mismatch (e.g. job times "24:45:28" on the server, "00:45:28" in the browser) or any other console
  // error fails the flow (the suite's page fixture, tests/e2e/support.ts).
  await logIn(page);

  // Per-field validation messages on the new-run form.
  await openNewRunForm(page);
  await page.getByLabel("Invoice date").fill("");
  await page.getByRole("button", { name: "Create billing run" }).click();
  await expect(page.getByText(/must be a date/i)).toBeVisible();
  await saveScreenshot(page, "desktop-new-run-validation");
  await page.goto("/billing-runs");

  const runUrl = await createCycleRun(page, { invoiceDate: "2026-10-31", cutoffDate: "2026-10-20" });
  await processToDrafts(page);
  await expect(page.getByTestId("section-invoices")).toBeVisible();
  await expect(visibleRows(page).first()).toBeVisible();
  await expect(page.getByText("By charge type (EUR)")).toBeVisible();
  await saveScreenshot(page, "desktop-run-drafts");

  // Filter invoices (server side) by account.
  const invoices = page.getByTestId("section-invoices");
  const totalRows = await visibleRows(page).count();
  expect(totalRows).toBeGreaterThan(1);
  await invoices.getByLabel("Filter by account").fill("Müller");
  await expect(visibleRows(page)).toHaveCount(1);
  await expect(page).toHaveURL(/invAccount=M/);
  await invoices.getByRole("button", { name: "Reset", exact: true }).click();
  await expect.poll(() => visibleRows(page).count()).toBe(totalRows);

  // Quarantine the first invoice of the list.
  await visibleRows(page).nth(0).getByRole("checkbox").click();
  await page.getByRole("toolbar", { name: "Selection actions" }).getByRole("button", { name: "Quarantine" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Quarantine" }).click();
  await closeResults(page, /1 done/);

  // Reject another one with a reason; the reason shows in the list.
  await visibleRows(page).nth(1).getByRole("checkbox").click();
  await page.getByRole("toolbar", { name: "Selection actions" }).getByRole("button", { name: "Reject" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Reject" }).click();
  await expect(page.getByText("A rejection needs a reason")).toBeVisible();
  await page.getByRole("dialog").getByLabel("Reason").fill("Wrong billing address (e2e)");
  await page.getByRole("dialog").getByRole("button", { name: "Reject" }).click();
  await closeResults(page, /1 done/);
  await expect(invoices.getByText("Wrong billing address (e2e)").filter({ visible: true })).toBeVisible();
  await saveScreenshot(page, "desktop-invoices-rejected");

  // Validate every rejected invoice back (bulk action on everything matching the filter).
  await filterInvoiceStatus(page, "Rejected");
  await expect(visibleRows(page).first()).toBeVisible();
  await invoices.getByRole("button", { name: /All matching/ }).click();
  await page.getByRole("menuitem", { name: /Validate all/ }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Validate" }).click();
  await closeResults(page, /done/);
  await expect(invoices.getByText("No invoices match these filters")).toBeVisible();
  await invoices.getByRole("button", { name: "Reset", exact: true }).click();

  // Open one invoice, then come back.
  await visibleRows(page).first().click();
  await expect(page.getByTestId("invoice-title")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("VAT breakdown")).toBeVisible();
  await saveScreenshot(page, "desktop-invoice-draft");
  await page.goto(runUrl);

  // Post: numbers appear.
  await page.getByRole("toolbar", { name: "Billing run actions" }).getByRole("button", { name: "Post" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Post invoices" }).click();
  await expect(runStatus(page)).toHaveText("Posted", { timeout: 90_000 });
  await expect(page.getByTestId("invoice-number").first()).toHaveText(/\d/);
  await saveScreenshot(page, "desktop-run-posted");

  // Generate XML for the posted run: a background job that ends succeeded in the execution report.
  await page.getByRole("toolbar", { name: "Billing run actions" }).getByRole("button", { name: "Generate XML" }).click();
  const xmlRow = page.getByTestId("execution-row").filter({ hasText: "XML documents" });
  await expect(xmlRow.first()).toContainText("Succeeded", { timeout: 90_000 });

  // Without a Resend key the run e-mails land in the outbox, with an HTML preview.
  await page.goto("/outbox");
  const outbox = page.getByTestId("outbox-list");
  await expect(outbox.getByText(/Billing run BR-\d+ posted/).first()).toBeVisible({ timeout: 30_000 });
  await expect(outbox.getByText(/Billing run BR-\d+ drafts ready for review/).first()).toBeVisible();
  await outbox.getByRole("button", { name: "Preview" }).first().click();
  await expect(page.getByRole("dialog").locator("iframe[title='E-mail preview']")).toBeVisible();
  await saveScreenshot(page, "desktop-outbox-preview");
  await page.keyboard.press("Escape");
  await page.goto(runUrl);

  // the posted run's invoices load after the page (one query; slow when the machine is busy)
  await expect(visibleRows(page).first()).toBeVisible({ timeout: 60_000 });
  await visibleRows(page).first().click();
  await expect(page.getByTestId("invoice-title")).toHaveText(/\d/, { timeout: 30_000 });
  await saveScreenshot(page, "desktop-invoice-posted");

  // Another run: process it, then cancel it and re-open its rated items.
  await page.goto("/billing-runs");
  await createCycleRun(page, { invoiceDate: "2026-11-30", cutoffDate: "2026-12-01" });
  await processToDrafts(page);
  await page.getByRole("toolbar", { name: "Billing run actions" }).getByRole("button", { name: "Cancel" }).click();
  const cancelDialog = page.getByRole("dialog");
  await cancelDialog.getByRole("radio", { name: /Re-open rated items/ }).check();
  await cancelDialog.getByRole("button", { name: "Cancel billing run" }).click();
  await expect(runStatus(page)).toHaveText("Canceled", { timeout: 90_000 });
  // feedback when it is done, not only when it was asked
  await expect(page.getByText(/^BR-\d+ canceled$/)).toBeVisible();
  await saveScreenshot(page, "desktop-run-canceled");

  await page.goto("/billing-runs");
  await expect(visibleRows(page).first()).toBeVisible();
  expect(await visibleRows(page).count()).toBeGreaterThanOrEqual(2);
  await saveScreenshot(page, "desktop-billing-runs-list");
});

test("phone: the same review flow at 390×844", async ({ newContext }) => {
  const context = await newContext(phoneContext);
  const page = await context.newPage();
  await logIn(page);
  await saveScreenshot(page, "phone-billing-runs-list");

  // The items re-opened by the canceled run are billed again here.
  await openNewRunForm(page);
  await saveScreenshot(page, "phone-new-run");
  await page.goto("/billing-runs");
  await createCycleRun(page, { invoiceDate: "2026-11-30", cutoffDate: "2026-12-01" });
  await processToDrafts(page);

  // Tables are cards; the action bar's secondary actions are in the Actions menu.
  await expect(page.locator("[data-testid=data-table-card]:visible").first()).toBeVisible();
  await expect(page.getByText("By charge type (EUR)")).toBeVisible();
  await saveScreenshot(page, "phone-run-drafts");
  await page.getByRole("button", { name: "Actions" }).click();
  await expect(page.getByRole("menuitem", { name: "Cancel run" })).toBeVisible();
  await page.keyboard.press("Escape");

  // Bulk selection on the phone: two invoices selected on their cards, rejected at once, the results named.
  const invoices = page.getByTestId("section-invoices");
  await visibleRows(page).nth(0).getByRole("checkbox").click();
  await visibleRows(page).nth(1).getByRole("checkbox").click();
  const selection = page.getByRole("toolbar", { name: "Selection actions" });
  await expect(selection).toContainText("2 selected");
  await selection.getByRole("button", { name: "Reject" }).click();
  await page.getByRole("dialog").getByLabel("Reason").fill("Checked on the phone");
  await page.getByRole("dialog").getByRole("button", { name: "Reject" }).click();
  await expect(page.getByRole("dialog").getByTestId("bulk-result")).toHaveCount(2);
  await closeResults(page, /2 done/);
  await expect(invoices.getByText("Checked on the phone").filter({ visible: true })).toHaveCount(2);
  await saveScreenshot(page, "phone-invoices-rejected");

  await visibleRows(page).nth(0).getByRole("checkbox").click();
  await page.getByRole("toolbar", { name: "Selection actions" }).getByRole("button", { name: "Validate" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Validate" }).click();
  await closeResults(page, /done/);

  await visibleRows(page).first().click();
  await expect(page.getByTestId("invoice-title")).toBeVisible({ timeout: 30_000 });
  await saveScreenshot(page, "phone-invoice");

  // Touch targets: the visible buttons of the invoice page (main content) are at least 40 px tall.
  for (const button of await page.locator("main").getByRole("button").filter({ visible: true }).all()) {
    const box = await button.boundingBox();
    if (box) expect(box.height, await button.innerText()).toBeGreaterThanOrEqual(44);
  }
});
