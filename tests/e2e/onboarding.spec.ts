import { expect, expectAccessible, phoneContext, saveScreenshot, test } from "./support";

// A new organization (open sign-up: the e2e server runs with OPEN_SIGNUP=1) is sent to /onboarding from any dashboard
// page, states its seller identity there (on a phone: 390 px, 44 px targets), and then goes on to the runs list.

test("a new organization completes its seller profile before its first run", async ({ newContext, baseURL }) => {
  const context = await newContext(phoneContext);
  const page = await context.newPage();
  const suffix = Date.now().toString(36);
  const origin = { origin: baseURL! };
  const signedUp = await page.request.post("/api/auth/sign-up/email", {
    headers: origin,
    data: { email: `owner-${suffix}@fresh.example`, password: "a-long-enough-password", name: "Fresh Owner" },
  });
  expect(signedUp.status()).toBe(200);
  const created = await page.request.post("/api/auth/organization/create", { headers: origin, data: { name: `Fresh ${suffix}`, slug: `fresh-${suffix}` } });
  expect(created.status()).toBe(200);

  await page.goto("/billing-runs");
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByRole("heading", { name: `Set up Fresh ${suffix}` })).toBeVisible();
  const form = page.getByRole("form", { name: "Seller profile" });
  for (const target of [...(await form.getByRole("textbox").all()), form.getByRole("button", { name: "Save and continue" })]) {
    const box = await target.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page, "onboarding");

  await page.getByLabel("Legal name").fill("Fresh Software GmbH");
  await page.getByLabel("Street and number").fill("Neue Straße 5");
  await page.getByLabel("Postal code").fill("20095");
  await page.getByLabel("City").fill("Hamburg");
  await page.getByLabel("Country (ISO code)").fill("UK");
  await page.getByLabel("VAT id").fill("DE811907980");
  await page.getByRole("button", { name: "Save and continue" }).click();
  await expect(page.getByText(/Country \(ISO code\): .*ISO 3166/)).toBeVisible();
  await expect(page).toHaveURL(/\/onboarding$/);

  await page.getByLabel("Country (ISO code)").fill("DE");
  await saveScreenshot(page, "onboarding-phone");
  await page.getByRole("button", { name: "Save and continue" }).click();
  await expect(page).toHaveURL(/\/billing-runs$/);
  // the dashboard no longer sends it back
  await page.goto("/onboarding");
  await expect(page).toHaveURL(/\/billing-runs$/);
});
