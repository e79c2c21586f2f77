import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { seedCharges } from "@/db/seed/generate";

// Hand-made customers with chosen rated items, for document and e-mail tests that need exact amounts, currencies
// or buyer data (the generated seed only makes EUR/USD customers with e-mail addresses).

export type CustomerSpec = {
  name: string;
  email: string | null;
  currency?: string;
  country?: string;
  /** charge code (seedCharges: PLAN-PRO S 19 %, TRAINING E 0 % …) and amount excl. VAT */
  items: Array<{ charge: string; amount: string }>;
};

export async function addCustomer(db: Db, tenant: { tenantId: string; billingCycleId: string }, spec: CustomerSpec): Promise<string> {
  await seedCharges(db, tenant.tenantId);
  const [account] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO customer_accounts (tenant_id, external_id, name, email, address_line, city, postal_code, country, currency, billing_cycle_id)
        VALUES (${tenant.tenantId}, ${`ACC-${randomUUID().slice(0, 8)}`}, ${spec.name}, ${spec.email}, '1 Main Street', 'Berlin', '10115',
          ${spec.country ?? "DE"}, ${spec.currency ?? "EUR"}, ${tenant.billingCycleId}::uuid)
        RETURNING id`,
  );
  for (const item of spec.items) {
    await db.execute(sql`INSERT INTO rated_items (tenant_id, account_id, charge_id, description, quantity, unit_price, amount, currency, usage_date, external_id)
      SELECT ${tenant.tenantId}, ${account.id}::uuid, c.id, c.label, 1, ${item.amount}::numeric, ${item.amount}::numeric, ${spec.currency ?? "EUR"},
        '2026-10-15', ${`ITEM-${randomUUID()}`}
      FROM charges c WHERE c.tenant_id = ${tenant.tenantId} AND c.code = ${item.charge}`);
  }
  return account.id;
}
