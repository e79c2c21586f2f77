import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { DomainError } from "@/server/errors";

// Onboarding: a tenant bills only once its seller profile (legal name, address, country, VAT id — what every invoice
// must state) exists. A tenant created through open sign-up has none until its admin completes it.

export const SELLER_PROFILE_MISSING =
  "Complete the organization's seller profile (legal name, address, country and VAT id, in Settings) before creating a billing run: every invoice states them";

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
