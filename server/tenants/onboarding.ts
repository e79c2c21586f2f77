import { sql } from "drizzle-orm";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { sellerIdentityInput, type SellerIdentity, type SellerIdentityInput } from "@/lib/seller-identity-inputs";
import { recordAudit } from "@/server/audit/audit-log";
import { ensureDefaultRules } from "@/server/billing/rules";
import type { Actor } from "@/server/billing/runs-core";
import { DomainError, notFound } from "@/server/errors";

// Onboarding: a tenant bills only once its seller profile (legal name, address, country, VAT id — what every invoice
// must state) exists. A tenant created through open sign-up has none until its admin completes it on /onboarding, where
// the dashboard sends it (onboardingPath).

export const SELLER_PROFILE_MISSING =
  "Complete the organization's seller profile (legal name, address, country and VAT id, on the onboarding page or POST /api/v1/seller-profile) before creating a billing run: every invoice states them";

export async function hasSellerProfile(db: Queryable, tenantId: string): Promise<boolean> {
  const [row] = await queryRows<{ complete: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM tenant_profiles WHERE tenant_id = ${tenantId}
          AND legal_name <> '' AND address_line <> '' AND city <> '' AND postal_code <> '' AND vat_id <> '') AS complete`,
  );
  return row.complete;
}

export async function assertSellerProfile(db: Queryable, tenantId: string): Promise<void> {
  if (!(await hasSellerProfile(db, tenantId))) {
    throw new DomainError("PRECONDITION_FAILED", SELLER_PROFILE_MISSING, [{ field: "sellerProfile", message: "is not complete" }]);
  }
}

/** The seller's identity (empty strings while onboarding has not completed it). */
async function storedIdentity(db: Queryable, tenantId: string): Promise<Omit<SellerIdentity, "complete"> | null> {
  const [row] = await queryRows<Omit<SellerIdentity, "complete">>(
    db,
    sql`SELECT legal_name AS "legalName", address_line AS "addressLine", city, postal_code AS "postalCode", country::text AS country,
          vat_id AS "vatId", email, default_currency::text AS "defaultCurrency"
        FROM tenant_profiles WHERE tenant_id = ${tenantId}`,
  );
  return row ?? null;
}

export async function getSellerIdentity(db: Queryable, tenantId: string): Promise<SellerIdentity> {
  const identity = (await storedIdentity(db, tenantId)) ?? { legalName: "", addressLine: "", city: "", postalCode: "", country: "", vatId: "", email: null, defaultCurrency: "EUR" };
  return { ...identity, complete: await hasSellerProfile(db, tenantId) };
}

/**
 * Saves the seller's identity — creating the profile of an organization made through open sign-up — and gives such an
 * organization what createTenant gives every other one: a monthly billing cycle and the default validation rules.
 */
export async function saveSellerIdentity(db: Db, tenantId: string, raw: SellerIdentityInput, actor: Actor): Promise<SellerIdentity> {
  const v = sellerIdentityInput.parse(raw);
  await db.transaction(async (tx) => {
    const [tenant] = await queryRows<{ id: string }>(tx, sql`SELECT id FROM organization WHERE id = ${tenantId} FOR UPDATE`);
    if (!tenant) throw notFound("Organization");
    const before = await storedIdentity(tx, tenantId);
    await tx.execute(sql`
      INSERT INTO tenant_profiles (tenant_id, legal_name, address_line, city, postal_code, country, vat_id, email, default_currency)
      VALUES (${tenantId}, ${v.legalName}, ${v.addressLine}, ${v.city}, ${v.postalCode}, ${v.country}, ${v.vatId}, ${v.email ?? null}, ${v.defaultCurrency ?? "EUR"})
      ON CONFLICT (tenant_id) DO UPDATE SET legal_name = excluded.legal_name, address_line = excluded.address_line, city = excluded.city,
        postal_code = excluded.postal_code, country = excluded.country, vat_id = excluded.vat_id,
        email = CASE WHEN ${v.email === undefined} THEN tenant_profiles.email ELSE excluded.email END,
        default_currency = CASE WHEN ${v.defaultCurrency === undefined} THEN tenant_profiles.default_currency ELSE excluded.default_currency END,
        updated_at = now()`);
    await tx.execute(sql`
      INSERT INTO billing_cycles (tenant_id, name, day_of_month, invoice_date_delay_days, due_date_delay_days)
      SELECT ${tenantId}, 'Monthly (1st)', 1, 0, 30 WHERE NOT EXISTS (SELECT 1 FROM billing_cycles WHERE tenant_id = ${tenantId})`);
    await ensureDefaultRules(tx, tenantId);
    const after = await storedIdentity(tx, tenantId);
    await recordAudit(tx, { tenantId, actor, action: "settings.seller_identity.update", entityType: "settings", entityId: "seller_identity", before, after });
  });
  return getSellerIdentity(db, tenantId);
}

/** Where the dashboard sends a member of a tenant whose seller profile is not complete: the onboarding page (null: nowhere). */
export async function onboardingPath(db: Queryable, tenantId: string | null | undefined): Promise<string | null> {
  if (!tenantId) return null;
  return (await hasSellerProfile(db, tenantId)) ? null : "/onboarding";
}
