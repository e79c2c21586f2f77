import fs from "node:fs";
import { apiOf, createAccounts, uniqueTag } from "./own-data";
import { expect, logIn, test } from "./support";

// The simulation report (issue 19): from the new-run form, see what Process would produce and download the CSV —
// without creating a run. It simulates an exceptional run for three accounts of its own (created over the REST API,
// one 200.00 EUR item each), so what it expects does not depend on what the demo data or other specs left open.

test.setTimeout(180_000);

test("simulates a run from the new-run form: totals and the CSV", async ({ page }) => {
  await logIn(page);
  const api = await apiOf(page, "e2e simulation");
  const accounts = await createAccounts(api, uniqueTag("SIM"), { count: 3, amount: "200.00" });
  const runsBefore = ((await api.get("/billing-runs?pageSize=1")) as { total: number }).total;

  await page.goto("/billing-runs/new");
  await expect(page.getByRole("button", { name: "Create billing run" })).toBeVisible();
  await page.getByRole("radio", { name: "Exceptional run" }).click();
  await page.getByLabel("Account ids").fill(accounts.ids.join("\n"));
  await page.getByLabel("Invoice date").fill("2026-11-30");
  await page.getByLabel("Cut-off date").fill("2026-12-01");
  await page.getByRole("button", { name: "Simulate" }).click();
  await page.waitForURL(/\/billing-runs\/simulation\?input=/);
  await expect(page.getByRole("heading", { name: "Run simulation" })).toBeVisible();
  await expect(page.getByTestId("simulation-invoices")).toHaveText("3", { timeout: 90_000 });
  await expect(page.getByRole("table", { name: "Totals per currency" })).toBeVisible();
  await expect(page.getByTestId("simulation-net-EUR")).toHaveText(/600\.00/);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file, "utf8").trim().split(/\r\n/);
  expect(csv[0]).toMatch(/^account_id,account_external_id,account_name,currency,type,status,net,tax,gross/);
  expect(csv.slice(1).map((line) => line.split(",")[0]).sort()).toEqual([...accounts.ids].sort());

  // a simulation creates no run
  expect(((await api.get("/billing-runs?pageSize=1")) as { total: number }).total).toBe(runsBefore);
});
