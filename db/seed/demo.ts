import { eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { user } from "@/db/schema";
import { createTenant, createUserWithMembership } from "@/server/tenants/create-tenant";
import { seedTenantData } from "./generate";

export const demoLogin = { email: "demo@billrun.local", password: "demo-password-2026" } as const;

const realNames = [
  "Zoë Ångström Consulting", "Łódź Logistics Sp. z o.o.", "Müller & Söhne GmbH", "Café Crème SARL",
  "Nordlicht Analytics", "Olga Petrova (Ольга Петрова)", "Acme Widgets Inc.", "Soleil Énergie SAS",
  "Van der Berg B.V.", "Hernández Diseño S.L.", "Bianchi Software S.r.l.", "Maple Leaf Robotics",
];

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
    const names = sql.join(realNames.map((name, i) => sql`(${i + 1}, ${name})`), sql`, `);
    await tx.execute(sql`
      UPDATE customer_accounts a SET name = v.name
      FROM (VALUES ${names}) AS v(n, name)
      WHERE a.tenant_id = ${tenantId} AND a.external_id = 'DEMO-ACC-' || lpad(v.n::text, 7, '0')`);
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
