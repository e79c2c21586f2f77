import { eq, sql } from "drizzle-orm";
import type { Db, Queryable } from "@/db/client";
import { user } from "@/db/schema";
import { ruleReason } from "@/server/billing/rules";
import { createRun, processRun } from "@/server/billing/runs";
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
export async function ensureDemoData(db: Db): Promise<typeof demoLogin | null> {
  const existing = await db.select({ id: user.id }).from(user).where(eq(user.email, demoLogin.email)).limit(1);
  if (existing.length) return null;
  const demo = await db.transaction(async (tx) => {
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
    await seedPreviousMonthItems(tx, tenantId);
    // A month's totals here reach about 15,700: only the largest few are worth a second look.
    await tx.execute(sql`UPDATE validation_rules SET threshold = ${DEMO_AMOUNT_THRESHOLD}::numeric,
        reason = ${ruleReason("AMOUNT_ABOVE", DEMO_AMOUNT_THRESHOLD, null)}
      WHERE tenant_id = ${tenantId} AND kind = 'AMOUNT_ABOVE' AND currency IS NULL`);
    return { tenantId, billingCycleId };
  });
  await postPreviousMonth(db, demo.tenantId, demo.billingCycleId);
  return demoLogin;
}

const DEMO_AMOUNT_THRESHOLD = "15000";

/**
 * The month before the demo's open items (usage 2026-08-17 … 09-30, the same pattern 45 days earlier), so the first
 * run the newcomer makes has a posted month to compare with. A few accounts differ on purpose, so the review rules
 * flag a handful of invoices with a reason each: Müller's usage was 40 % of today's (amount and usage change), Zoë
 * Ångström paid 2.5× as much (amount change), Customer DEMO 20 was not a customer yet (first invoice), Customer
 * DEMO 33 used a third of the API calls (usage change of one charge). Broken Data Ltd is left out (it fails anyway).
 */
async function seedPreviousMonthItems(tx: Queryable, tenantId: string) {
  await tx.execute(sql`
    INSERT INTO rated_items (tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount,
      currency, usage_date, external_id)
    SELECT r.tenant_id, r.account_id, r.subscription_id, r.charge_id, r.description, q.quantity, r.unit_price, q.quantity * r.unit_price,
      r.currency, r.usage_date - 45, replace(r.external_id, '-ITEM-', '-PREV-')
    FROM rated_items r
    JOIN customer_accounts a ON a.id = r.account_id
    JOIN charges c ON c.id = r.charge_id
    CROSS JOIN LATERAL (SELECT r.quantity * CASE
        WHEN a.external_id = 'DEMO-ACC-0000007' THEN 0.4
        WHEN a.external_id = 'DEMO-ACC-0000012' THEN 2.5
        WHEN a.external_id = 'DEMO-ACC-0000033' AND c.code = 'API-CALLS' THEN 0.3
        ELSE 1 END AS quantity) q
    WHERE r.tenant_id = ${tenantId} AND r.external_id LIKE 'DEMO-ITEM-%'
      AND a.external_id NOT IN ('DEMO-ACC-0000020', 'DEMO-ACC-0000050')`);
}

/**
 * Creates and processes the previous month's run (AUTO_POST). Only the start waits: the run's steps go on in the
 * background (the job runner), so the first page does not wait for the month to be posted.
 */
async function postPreviousMonth(db: Db, tenantId: string, billingCycleId: string) {
  const actor = { type: "SYSTEM" } as const;
  const run = await createRun(
    db,
    tenantId,
    { type: "CYCLE", billingCycleId, invoiceDate: "2026-09-30", cutoffDate: "2026-10-01", mode: "AUTO_POST", description: "September 2026 (demo: already posted)" },
    actor,
  );
  await processRun(db, tenantId, run.id, actor);
}
