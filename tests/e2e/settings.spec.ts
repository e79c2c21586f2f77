import type { Page } from "@playwright/test";
import { newOrganization } from "./own-data";
import { expect, expectAccessible, phoneContext, test } from "./support";

// Settings (#18, #19): every card is filled, saved and still shows its values after a reload — at desktop size and at
// 390×844 — and axe finds no serious or critical violation on the page at either size. Each test works in a new
// organization of its own, so what it saves (OSS, VAT rates, document language, rules, approval) reaches no other spec.

// a 1×1 PNG
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

async function chooseOption(page: Page, label: string, option: string) {
  await page.getByLabel(label, { exact: true }).click();
  await page.getByRole("option", { name: option }).click();
}

async function saved(page: Page, message: string) {
  await expect(page.getByText(message).first()).toBeVisible();
}

async function fillAndSave(page: Page, v: { vatId: string; rate: string; validFrom: string; register: string; threshold: string; gross: string }) {
  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();

  // Tax: OSS on, one registration in FR, an own FR rate
  const tax = page.getByRole("form", { name: "VAT registrations" });
  await expect(tax).toBeVisible();
  const oss = tax.getByRole("checkbox", { name: "Registered for the One-Stop-Shop (OSS)" });
  if ((await oss.getAttribute("data-state")) !== "checked") await oss.click();
  while (await tax.getByRole("button", { name: /^Remove registration/ }).count()) await tax.getByRole("button", { name: /^Remove registration/ }).first().click();
  await tax.getByRole("button", { name: "Add registration" }).click();
  await tax.getByLabel("Country").fill("FR");
  await tax.getByLabel("VAT id").fill("FR12");
  await tax.getByRole("button", { name: "Save tax settings" }).click();
  await expect(tax.getByText("VAT id FR12 does not have the format of a FR VAT id")).toBeVisible();
  await tax.getByLabel("VAT id").fill(v.vatId);
  await tax.getByRole("button", { name: "Save tax settings" }).click();
  await saved(page, "Tax settings saved");

  const rate = page.getByRole("form", { name: "Add a VAT rate" });
  await rate.getByLabel("Country").fill("FR");
  await rate.getByLabel("Rate %").fill(v.rate);
  await rate.getByLabel("Valid from").fill(v.validFrom);
  await rate.getByRole("button", { name: "Add rate" }).click();
  await expect(page.getByRole("list", { name: "Your VAT rates" }).getByText(`FR standard ${v.rate} % from ${v.validFrom}`)).toBeVisible();

  // Documents: logo, footer, language
  await page.getByLabel(/PNG or JPEG, at most/).setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: PNG });
  await expect(page.getByRole("img", { name: "Your logo" })).toBeVisible();
  const footer = page.getByRole("form", { name: "Footer and language" });
  await footer.getByLabel("Trade register").fill(v.register);
  await footer.getByLabel("Managing directors").fill("Erika Mustermann");
  await chooseOption(page, "Default document language", "Deutsch");
  await footer.getByRole("button", { name: "Save document settings" }).click();
  await saved(page, "Document settings saved");

  // Review rules: the amount threshold
  const rules = page.getByRole("form", { name: "Review rules" });
  const amountRule = rules.getByRole("listitem").filter({ hasText: "Amount above threshold" }).first();
  await amountRule.getByLabel("Threshold", { exact: true }).fill(v.threshold);
  await rules.getByRole("button", { name: "Save review rules" }).click();
  await saved(page, "Review rules saved");

  // Approval policy: above a gross total no demo run reaches
  const approval = page.getByRole("form", { name: "Approval policy" });
  await chooseOption(page, "Approval", "Above a gross total or an invoice count");
  await approval.getByLabel("Gross total above").fill(v.gross);
  await approval.getByLabel("More invoices than").fill("100000");
  await approval.getByRole("button", { name: "Save approval policy" }).click();
  await saved(page, "Approval policy saved");

  // after a reload every card shows what was saved
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Registered for the One-Stop-Shop (OSS)" })).toHaveAttribute("data-state", "checked");
  await expect(page.getByRole("form", { name: "VAT registrations" }).getByLabel("VAT id")).toHaveValue(v.vatId);
  await expect(page.getByRole("list", { name: "Your VAT rates" }).getByText(`FR standard ${v.rate} % from ${v.validFrom}`)).toBeVisible();
  await expect(page.getByRole("img", { name: "Your logo" })).toBeVisible();
  await expect(page.getByLabel("Trade register")).toHaveValue(v.register);
  await expect(page.getByLabel("Default document language", { exact: true })).toHaveText("Deutsch");
  await expect(
    page.getByRole("form", { name: "Review rules" }).getByRole("listitem").filter({ hasText: "Amount above threshold" }).first().getByLabel("Threshold", { exact: true }),
  ).toHaveValue(v.threshold);
  await expect(page.getByLabel("Gross total above")).toHaveValue(v.gross);
}

test("settings: every card saves and shows its values after a reload (desktop)", async ({ page }) => {
  await newOrganization(page, "SETD");
  await fillAndSave(page, { vatId: "FR40303265045", rate: "20.50", validFrom: "2031-01-01", register: "Amtsgericht Berlin HRB 1", threshold: "12000", gross: "90000000" });
  await expectAccessible(page, "settings (desktop)");
});

test("settings: every card saves and shows its values after a reload (390×844)", async ({ newContext }) => {
  const page = await (await newContext(phoneContext)).newPage();
  await newOrganization(page, "SETP");
  await fillAndSave(page, { vatId: "FR12345678901", rate: "21.50", validFrom: "2032-01-01", register: "Amtsgericht Berlin HRB 2", threshold: "13000", gross: "95000000" });
  await expectAccessible(page, "settings (390×844)");
});
