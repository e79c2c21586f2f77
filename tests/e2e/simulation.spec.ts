import fs from "node:fs";
import { expect, logIn, test } from "./support";

// The simulation report (issue 19): from the new-run form, see what Process would produce and download the CSV —
// without creating a run.

test.setTimeout(180_000);

test("simulates a run from the new-run form: totals and the CSV", async ({ page }) => {
  await logIn(page);
  await page.goto("/billing-runs/new");
  await expect(page.getByRole("button", { name: "Create billing run" })).toBeVisible();
  const cycle = page.getByLabel("Billing cycle");
  if ((await cycle.textContent())?.includes("Choose")) {
    await cycle.click();
    await page.getByRole("option").first().click();
  }
  await page.getByRole("button", { name: "Simulate" }).click();
  await page.waitForURL(/\/billing-runs\/simulation\?input=/);
  await expect(page.getByRole("heading", { name: "Run simulation" })).toBeVisible();
  await expect(page.getByTestId("simulation-invoices")).toHaveText(/^[1-9][\d,]*$/, { timeout: 90_000 });
  await expect(page.getByRole("table", { name: "Totals per currency" })).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file, "utf8").trim().split(/\r\n/);
  expect(csv[0]).toMatch(/^account_id,account_external_id,account_name,currency,type,status,net,tax,gross/);
  expect(csv.length - 1).toBe(Number((await page.getByTestId("simulation-invoices").textContent())!.replace(/,/g, "")));
});
