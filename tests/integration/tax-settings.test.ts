import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createApiKey } from "@/server/api/api-keys";
import { deleteVatRateEndpoint, getTaxSettingsEndpoint, saveTaxSettingsEndpoint, setVatRateEndpoint } from "@/server/api/routes/tax-settings";
import { loadTaxSeller } from "@/server/tax/builtin-engine";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest } from "./api-support";
import { cycleRun, newTenant, waitForInlineJobs, type TestTenant } from "./billing-support";

// The tenant's tax settings (Settings → Tax, GET/POST /api/v1/tax-settings, /api/v1/vat-rates): OSS, its own VAT
// registrations with format-checked VAT ids, its own VAT rates — and the lines stage of the next run uses them.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());
const db = () => database.db;

/** A DE seller with two EU consumers buying an electronically supplied service (taxed where the consumer is, if allowed). */
async function consumerTenant(): Promise<TestTenant> {
  const t = await newTenant(db(), { seed: false });
  await db().execute(sql`
    INSERT INTO charges (tenant_id, code, label, type, vat_category, vat_rate, tax_class)
    VALUES (${t.tenantId}, 'EBOOK', 'E-book downloads', 'USAGE', 'S', 19, 'ELECTRONIC_SERVICE')`);
  await db().execute(sql`
    INSERT INTO customer_accounts (tenant_id, external_id, name, address_line, city, postal_code, country, customer_type, currency, billing_cycle_id)
    SELECT ${t.tenantId}, v.ext, 'Buyer ' || v.ext, 'Street 1', 'City', '12345', v.country, 'CONSUMER', 'EUR', ${t.billingCycleId}::uuid
    FROM (VALUES ('FR-B2C', 'FR'), ('NL-B2C', 'NL')) v(ext, country)`);
  await db().execute(sql`
    INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
    SELECT a.tenant_id, a.id, ch.id, 'Download', 10, 1.5, 15, 'EUR', '2026-10-05'::date, a.external_id || '-1'
    FROM customer_accounts a JOIN charges ch ON ch.tenant_id = a.tenant_id AND ch.code = 'EBOOK' WHERE a.tenant_id = ${t.tenantId}`);
  return t;
}

async function runVat(t: TestTenant): Promise<Record<string, string>> {
  const { id } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "REVIEW" }));
  await t.caller.billingRuns.process({ id });
  await waitForInlineJobs();
  const lines = await queryRows<{ ext: string; vat: string }>(
    db(),
    sql`SELECT a.external_id AS ext, l.vat_category::text || ' ' || l.vat_rate::text AS vat
          FROM invoice_lines l JOIN customer_accounts a ON a.id = l.account_id WHERE l.billing_run_id = ${id}::uuid`,
  );
  return Object.fromEntries(lines.map((l) => [l.ext, l.vat]));
}

describe("tax settings", () => {
  it("a registration and a saved rate override change the VAT of the next run", async () => {
    const t = await consumerTenant();
    const saved = await t.caller.settings.taxSettings.save({ ossRegistered: false, vatRegistrations: [{ country: "FR", vatId: "fr 40 303 265 045" }] });
    expect(saved).toMatchObject({ sellerCountry: "DE", ossRegistered: false, vatRegistrations: [{ country: "FR", vatId: "FR40303265045" }] });
    expect(await loadTaxSeller(db(), t.tenantId)).toEqual({ country: "DE", ossRegistered: false, vatRegistrations: ["FR"] });

    const rate = await t.caller.settings.taxSettings.setRate({ country: "FR", rateType: "STANDARD", rate: "20.5", validFrom: "2020-01-01" });
    expect(rate).toEqual({ country: "FR", rateType: "STANDARD", rate: "20.50", validFrom: "2020-01-01", shippedRate: "20.00" });

    // registered in FR (not in the OSS): the French consumer pays the tenant's own French rate, the Dutch one German VAT
    expect(await runVat(t)).toEqual({ "FR-B2C": "S 20.50", "NL-B2C": "S 19.00" });
  });

  it("OSS saved in Settings taxes every EU consumer at the destination's rate", async () => {
    const t = await consumerTenant();
    await t.caller.settings.taxSettings.save({ ossRegistered: true, vatRegistrations: [] });
    expect(await runVat(t)).toEqual({ "FR-B2C": "S 20.00", "NL-B2C": "S 21.00" });
  });

  it("refuses a malformed VAT id, the seller's own country, a non-EU country and duplicates, naming the field; nothing is saved", async () => {
    const t = await newTenant(db(), { seed: false });
    const attempt = (vatRegistrations: { country: string; vatId: string }[]) => t.caller.settings.taxSettings.save({ ossRegistered: true, vatRegistrations });
    await expect(attempt([{ country: "FR", vatId: "FR1234" }])).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("vatRegistrations.0.vatId VAT id FR1234 does not have the format of a FR VAT id"),
    });
    await expect(attempt([{ country: "DE", vatId: "DE123456789" }])).rejects.toMatchObject({ message: expect.stringContaining("seller's own country") });
    await expect(attempt([{ country: "CH", vatId: "CHE123456789" }])).rejects.toMatchObject({ message: expect.stringContaining("not an EU member state") });
    await expect(
      attempt([
        { country: "AT", vatId: "ATU12345678" },
        { country: "AT", vatId: "ATU87654321" },
      ]),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(t.caller.settings.taxSettings.setRate({ country: "FR", rateType: "STANDARD", rate: "120", validFrom: "2020-01-01" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await t.caller.settings.taxSettings.get()).toMatchObject({ ossRegistered: false, vatRegistrations: [], rateOverrides: [] });
  });

  it("REST twins: admin keys save and delete, other tenants see nothing, every change is audited", async () => {
    const t = await newTenant(db(), { seed: false });
    const other = await newTenant(db(), { seed: false });
    const { key: admin } = await createApiKey(db(), t.tenantId, { name: "admin", role: "admin" }, t.userId);
    const { key: operator } = await createApiKey(db(), t.tenantId, { name: "operator", role: "operator" }, t.userId);

    const body = { ossRegistered: true, vatRegistrations: [{ country: "NL", vatId: "NL123456789B01" }] };
    expect((await call(saveTaxSettingsEndpoint, db(), jsonRequest("POST", "/api/v1/tax-settings", { key: operator, body }))).status).toBe(403);
    const bad = await call(saveTaxSettingsEndpoint, db(), jsonRequest("POST", "/api/v1/tax-settings", { key: admin, body: { ...body, vatRegistrations: [{ country: "NL", vatId: "NL1" }] } }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(["vatRegistrations.0.vatId"]);
    expect((await call(saveTaxSettingsEndpoint, db(), jsonRequest("POST", "/api/v1/tax-settings", { key: admin, body }))).status).toBe(200);
    const rate = { country: "NL", rateType: "REDUCED", rate: "9", validFrom: "2027-01-01" };
    expect((await call(setVatRateEndpoint, db(), jsonRequest("POST", "/api/v1/vat-rates", { key: admin, body: rate }))).body).toMatchObject({ rate: "9.00" });

    const read = await call(getTaxSettingsEndpoint, db(), jsonRequest("GET", "/api/v1/tax-settings", { key: admin }));
    expect(read.body).toMatchObject({ ossRegistered: true, vatRegistrations: [{ country: "NL", vatId: "NL123456789B01" }], rateOverrides: [{ country: "NL", rate: "9.00" }] });
    expect(await other.caller.settings.taxSettings.get()).toMatchObject({ ossRegistered: false, vatRegistrations: [], rateOverrides: [] });

    const key = { country: "NL", rateType: "REDUCED", validFrom: "2027-01-01" };
    const path = "/api/v1/vat-rates/NL/REDUCED/2027-01-01/delete";
    await expect(other.caller.settings.taxSettings.deleteRate(key as never)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await call(deleteVatRateEndpoint, db(), jsonRequest("POST", path, { key: admin }), key)).status).toBe(200);
    expect((await call(deleteVatRateEndpoint, db(), jsonRequest("POST", path, { key: admin }), key)).status).toBe(404);

    const audit = await queryRows<{ action: string; actor_type: string }>(
      db(),
      sql`SELECT action, actor_type FROM audit_log WHERE tenant_id = ${t.tenantId} AND entity_type = 'settings' ORDER BY id`,
    );
    expect(audit).toEqual([
      { action: "settings.tax.update", actor_type: "API_KEY" },
      { action: "settings.vat_rate.set", actor_type: "API_KEY" },
      { action: "settings.vat_rate.delete", actor_type: "API_KEY" },
    ]);
  });
});
