import { eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { user } from "@/db/schema";
import { createTenant, createUserWithMembership } from "@/server/tenants/create-tenant";
import { seedTenantData } from "./generate";

export const demoLogin = { email: "demo@billrun.local", password: "demo-password-2026" } as const;

// The first accounts as real buyers across the EU and beyond, so the first run shows domestic VAT, reverse charge (FR,
// NL, AT businesses), OSS (a consumer in France: e-services at 20 %), and exports (US, CA):
// [account no., name, country, city, postal code, VAT id, customer type]
const realBuyers = [
  [1, "Café Crème SARL", "FR", "Paris", "75002", "FR40303265045", "BUSINESS"],
  [2, "Van der Berg B.V.", "NL", "Amsterdam", "1012 AB", "NL859048396B01", "BUSINESS"],
  [3, "Alpenblick Software GmbH", "AT", "Wien", "1010", "ATU33803701", "BUSINESS"],
  [4, "Olga Petrova (Ольга Петрова)", "FR", "Lyon", "69001", null, "CONSUMER"],
  [5, "Acme Widgets Inc.", "US", "Austin", "73301", null, "BUSINESS"],
  [6, "Maple Leaf Robotics", "CA", "Toronto", "M5H 2N2", null, "BUSINESS"],
  [7, "Müller & Söhne GmbH", "DE", "München", "80331", "DE811907980", "BUSINESS"],
  [8, "Soleil Énergie SAS", "FR", "Marseille", "13001", "FR83404833048", "BUSINESS"],
  [9, "Nordlicht Analytics B.V.", "NL", "Utrecht", "3511", "NL004495445B01", "BUSINESS"],
  [10, "Hernández Diseño S.L.", "ES", "Madrid", "28013", "ESB12345674", "BUSINESS"],
  [11, "Bianchi Software S.r.l.", "IT", "Milano", "20121", "IT00743110157", "BUSINESS"],
  [12, "Zoë Ångström Consulting", "DE", "Hamburg", "20095", "DE129273398", "BUSINESS"],
] as const;

/**
 * Demo tenant for the embedded default: created once, on first start.
 * Returns the login when it was created now, null when it already existed.
 */
export async function ensureDemoData(db: Queryable): Promise<typeof demoLogin | null> {
  const existing = await db.select({ id: user.id }).from(user).where(eq(user.email, demoLogin.email)).limit(1);
  if (existing.length) return null;
  await db.transaction(async (tx) => {
    const { tenantId, billingCycleId } = await createTenant(tx, {
      name: "Demo SaaS GmbH",
      slug: "demo",
      profile: {
        legalName: "Demo SaaS GmbH",
        addressLine: "Invalidenstraße 117",
        city: "Berlin",
        postalCode: "10115",
        country: "DE",
        vatId: "DE123456789",
        iban: "DE89370400440532013000",
        bic: "COBADEFFXXX",
        email: "billing@demo-saas.example",
        paymentTerms: "Payment within 30 days by bank transfer",
        defaultCurrency: "EUR",
        notificationRecipients: ["finance@demo-saas.example"],
      },
    });
    await createUserWithMembership(tx, { ...demoLogin, name: "Demo Operator", tenantId, role: "owner" });
    await seedTenantData(tx, { tenantId, billingCycleId, accounts: 50, items: 3000, tag: "DEMO", creditEvery: 53 });
    const buyers = sql.join(
      realBuyers.map(([n, name, country, city, zip, vatId, type]) => sql`(${n}::int, ${name}::text, ${country}::text, ${city}::text, ${zip}::text, ${vatId}::text, ${type}::text)`),
      sql`, `,
    );
    await tx.execute(sql`
      UPDATE customer_accounts a SET name = v.name, country = v.country, city = v.city, postal_code = v.zip, vat_id = v.vat_id,
        customer_type = v.type::customer_type
      FROM (VALUES ${buyers}) AS v(n, name, country, city, zip, vat_id, type)
      WHERE a.tenant_id = ${tenantId} AND a.external_id = 'DEMO-ACC-' || lpad(v.n::text, 7, '0')`);
    // The demo seller is in the One-Stop-Shop and sells electronically supplied services (API calls, storage).
    await tx.execute(sql`UPDATE tenant_profiles SET oss_registered = true WHERE tenant_id = ${tenantId}`);
    await tx.execute(sql`UPDATE charges SET tax_class = 'ELECTRONIC_SERVICE' WHERE tenant_id = ${tenantId} AND code IN ('API-CALLS', 'STORAGE')`);
    // One account with bad data: no address and an item in another currency → a per-account failure.
    await tx.execute(sql`
      UPDATE customer_accounts SET name = 'Broken Data Ltd', address_line = NULL, city = NULL, postal_code = NULL
      WHERE tenant_id = ${tenantId} AND external_id = 'DEMO-ACC-0000050'`);
    await tx.execute(sql`
      INSERT INTO rated_items (tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price,
        amount, currency, usage_date, external_id)
      SELECT a.tenant_id, a.id, NULL, c.id, 'Imported usage in a foreign currency', 1, 12.5, 12.5,
        CASE WHEN a.currency = 'EUR' THEN 'USD' ELSE 'EUR' END, '2026-10-15', 'DEMO-BAD-1'
      FROM customer_accounts a, charges c
      WHERE a.tenant_id = ${tenantId} AND a.external_id = 'DEMO-ACC-0000050' AND c.tenant_id = ${tenantId} AND c.code = 'API-CALLS'`);
  });
  return demoLogin;
}
