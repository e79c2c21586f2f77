import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { queryRows } from "@/db/client";

export type SeedOptions = {
  tenantId: string;
  billingCycleId: string;
  accounts: number;
  items: number;
  /** prefix of external ids, so several seeds can go into one tenant */
  tag?: string;
  /** first usage date; items spread over `days` days from there */
  usageFrom?: string;
  days?: number;
  /** one item in N is a negative credit (0 = none) */
  creditEvery?: number;
  /** item slices inserted concurrently (only on a pooled driver, never inside a transaction) */
  parallel?: number;
};

// [country, currency, city, postal code, VAT id prefix, digits after it, suffix]: ids in the country's format
// (lib/vat-id-formats.ts), e.g. DE100000001, FR12100000001, NL100000001B01, IT00100000001.
const countries = [
  ["DE", "EUR", "Berlin", "10115", "DE", 9, ""],
  ["FR", "EUR", "Paris", "75001", "FR12", 9, ""],
  ["NL", "EUR", "Amsterdam", "1011", "NL", 9, "B01"],
  ["ES", "EUR", "Madrid", "28001", "ES", 9, ""],
  ["IT", "EUR", "Milano", "20121", "IT", 11, ""],
  ["US", "USD", "Austin", "73301", null, 0, ""],
  ["CA", "USD", "Toronto", "M5H", null, 0, ""],
] as const;

/** Standard charges of a SaaS catalog; VAT per tax class (server/tax), the category and rate as the charge's own setting. */
export async function seedCharges(db: Queryable, tenantId: string) {
  await db.execute(sql`
    INSERT INTO charges (tenant_id, code, label, type, vat_category, vat_rate, vat_exemption_reason, tax_class, vat_exemption_code) VALUES
      (${tenantId}, 'PLAN-PRO', 'Pro plan (monthly)', 'RECURRING', 'S', 19.00, NULL, 'STANDARD', NULL),
      (${tenantId}, 'SEATS', 'Additional seats', 'RECURRING', 'S', 19.00, NULL, 'STANDARD', NULL),
      (${tenantId}, 'API-CALLS', 'API calls (per 1,000)', 'USAGE', 'S', 19.00, NULL, 'STANDARD', NULL),
      (${tenantId}, 'STORAGE', 'Storage (GB-month)', 'USAGE', 'S', 19.00, NULL, 'STANDARD', NULL),
      (${tenantId}, 'SETUP', 'Onboarding and setup', 'ONE_SHOT', 'S', 19.00, NULL, 'STANDARD', NULL),
      (${tenantId}, 'TRAINING', 'Training course', 'ONE_SHOT', 'E', 0.00, 'Exempt education service', 'EXEMPT', 'VATEX-EU-132-1I')
    ON CONFLICT (tenant_id, code) DO NOTHING`);
}

/**
 * Generates accounts, one subscription each and rated items, entirely in SQL (generate_series),
 * so a million items never pass through JavaScript.
 */
export async function seedTenantData(db: Queryable, options: SeedOptions) {
  const tag = options.tag ?? "S";
  const from = options.usageFrom ?? "2026-10-01";
  const days = options.days ?? 45;
  const creditEvery = options.creditEvery ?? 0;
  const countryRows = sql.join(
    countries.map(
      ([c, cur, city, zip, vat, digits, suffix], i) =>
        sql`(${i}::int, ${c}::text, ${cur}::text, ${city}::text, ${zip}::text, ${vat}::text, ${digits}::int, ${suffix}::text)`,
    ),
    sql`, `,
  );
  await seedCharges(db, options.tenantId);
  await db.execute(sql`
    INSERT INTO customer_accounts (tenant_id, external_id, name, email, address_line, city, postal_code, country,
      vat_id, currency, language, billing_cycle_id)
    SELECT ${options.tenantId}, ${tag}::text || '-ACC-' || lpad(g::text, 7, '0'),
      'Customer ' || ${tag}::text || ' ' || g, 'billing+' || lower(${tag}::text) || g || '@example.com',
      g || ' Market Street', k.city, k.zip, k.country,
      CASE WHEN k.vat_prefix IS NULL THEN NULL ELSE k.vat_prefix || lpad((100000000 + g)::text, k.vat_digits, '0') || k.vat_suffix END,
      k.currency, 'en', ${options.billingCycleId}::uuid
    FROM generate_series(1, ${options.accounts}::int) g
    JOIN (VALUES ${countryRows}) AS k(i, country, currency, city, zip, vat_prefix, vat_digits, vat_suffix) ON k.i = g % ${countries.length}::int`);
  await db.execute(sql`
    INSERT INTO subscriptions (tenant_id, account_id, external_id, name, start_date)
    SELECT a.tenant_id, a.id, replace(a.external_id, '-ACC-', '-SUB-'), 'Pro subscription', ${from}::date - 90
    FROM customer_accounts a
    WHERE a.tenant_id = ${options.tenantId} AND a.external_id LIKE ${tag + "-ACC-%"}`);
  const parallel = Math.max(1, options.parallel ?? 1);
  const sliceSize = Math.ceil(options.items / parallel);
  const slices = Array.from({ length: parallel }, (_, i) => [i * sliceSize + 1, Math.min(options.items, (i + 1) * sliceSize)]);
  const insertItems = (first: number, last: number) => db.execute(sql`
    WITH acc AS (
      SELECT a.id, s.id AS subscription_id, a.currency,
        (row_number() OVER (ORDER BY a.external_id))::int AS n
      FROM customer_accounts a JOIN subscriptions s ON s.account_id = a.id
      WHERE a.tenant_id = ${options.tenantId} AND a.external_id LIKE ${tag + "-ACC-%"}
    ), ch AS (
      SELECT id, code, (row_number() OVER (ORDER BY code))::int - 1 AS n FROM charges WHERE tenant_id = ${options.tenantId}
    ), src AS (
      SELECT g, acc.id AS account_id, acc.subscription_id, acc.currency, ch.id AS charge_id, ch.code,
        (1 + g % 10)::numeric AS quantity,
        (((g * 37) % 5000) / 100.0 + 0.99)::numeric(20,6)
          * CASE WHEN ${creditEvery}::int > 0 AND g % GREATEST(${creditEvery}::int, 1) = 0 THEN -1 ELSE 1 END AS unit_price
      FROM generate_series(${first}::int, ${last}::int) g
      JOIN acc ON acc.n = 1 + g % ${options.accounts}::int
      JOIN ch ON ch.n = (g / ${options.accounts}::int) % 6
    )
    INSERT INTO rated_items (tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount,
      currency, usage_date, external_id)
    SELECT ${options.tenantId}, account_id, subscription_id, charge_id,
      CASE WHEN unit_price < 0 THEN 'Credit: service level ' || code ELSE code || ' usage' END,
      quantity, unit_price, quantity * unit_price, currency, ${from}::date + (g % ${days}::int), ${tag}::text || '-ITEM-' || g
    FROM src`);
  await Promise.all(slices.filter(([first, last]) => first <= last).map(([first, last]) => insertItems(first, last)));
  const [counts] = await queryRows<{ accounts: number; items: number }>(
    db,
    sql`SELECT (SELECT count(*) FROM customer_accounts WHERE tenant_id = ${options.tenantId})::int AS accounts,
               (SELECT count(*) FROM rated_items WHERE tenant_id = ${options.tenantId})::int AS items`,
  );
  return counts;
}
