import { sql } from "drizzle-orm";
import type { z } from "zod";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { taxSettingsInput, vatRateInput, vatRateKeyInput, type TaxSettingsInput, type VatRateInput } from "@/lib/tax-settings-inputs";
import { recordAudit } from "@/server/audit/audit-log";
import type { Actor } from "@/server/billing/runs-core";
import { badRequest, notFound } from "@/server/errors";
import { EU_MEMBER_STATES, shippedVatRate, type VatRateType } from "./eu-vat-data";
import { normalizeVatId, vatIdFormatProblem } from "@/lib/vat-id-formats";

// The tenant's side of the VAT determination, edited in Settings → Tax and over REST: the OSS flag, the member states
// where it is registered for VAT itself (with its VAT id there) and its own VAT rates, which win over the shipped EU
// rates from their date (builtin-engine.ts vatRatesSql). The lines stage reads all of it when a run is processed.

export type VatRegistration = { country: string; vatId: string | null };
export type VatRateOverride = { country: string; rateType: VatRateType; rate: string; validFrom: string; shippedRate: string | null };
export type TaxSettings = {
  sellerCountry: string;
  ossRegistered: boolean;
  vatRegistrations: VatRegistration[];
  rateOverrides: VatRateOverride[];
};

export async function getTaxSettings(db: Queryable, tenantId: string): Promise<TaxSettings> {
  const [profile] = await queryRows<{ country: string; oss_registered: boolean }>(
    db,
    sql`SELECT country::text AS country, oss_registered FROM tenant_profiles WHERE tenant_id = ${tenantId}`,
  );
  if (!profile) throw notFound("Seller profile");
  // countries registered before VAT ids were recorded (0023) show without one until the settings are saved again
  const registrations = await queryRows<VatRegistration>(
    db,
    sql`SELECT c.country, r.vat_id AS "vatId"
          FROM tenant_profiles p CROSS JOIN LATERAL unnest(p.vat_registrations) AS c(country)
          LEFT JOIN tenant_vat_registrations r ON r.tenant_id = p.tenant_id AND r.country = c.country
         WHERE p.tenant_id = ${tenantId} ORDER BY c.country`,
  );
  const overrides = await queryRows<Omit<VatRateOverride, "shippedRate">>(
    db,
    sql`SELECT country::text AS country, rate_type AS "rateType", rate::text AS rate, valid_from::text AS "validFrom"
          FROM vat_rates WHERE tenant_id = ${tenantId} ORDER BY country, rate_type, valid_from DESC LIMIT 1000`,
  );
  return {
    sellerCountry: profile.country.trim(),
    ossRegistered: profile.oss_registered,
    vatRegistrations: registrations.map((r) => ({ country: r.country.trim(), vatId: r.vatId })),
    rateOverrides: overrides.map((o) => ({ ...o, country: o.country.trim(), shippedRate: shippedVatRate(o.country.trim(), o.rateType, o.validFrom) })),
  };
}

/** Replaces the OSS flag and the VAT registrations (every registration: an EU member state other than the seller's, its VAT id in that state's format). */
export async function saveTaxSettings(db: Db, tenantId: string, rawInput: TaxSettingsInput, actor: Actor): Promise<TaxSettings> {
  const input = taxSettingsInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const before = await getTaxSettings(tx, tenantId);
    const issues = input.vatRegistrations.flatMap((r, i) => {
      if (r.country === before.sellerCountry) {
        return [{ field: `vatRegistrations.${i}.country`, message: `is the seller's own country (${r.country}); list only other member states` }];
      }
      if (!(EU_MEMBER_STATES as readonly string[]).includes(r.country)) {
        return [{ field: `vatRegistrations.${i}.country`, message: `${r.country} is not an EU member state; only registrations in the EU change the VAT` }];
      }
      const problem = vatIdFormatProblem(r.country, r.vatId);
      return problem ? [{ field: `vatRegistrations.${i}.vatId`, message: problem }] : [];
    });
    if (issues.length) throw badRequest(`The tax settings were not saved: ${issues.map((x) => `${x.field} ${x.message}`).join("; ")}`, issues);

    const countries = input.vatRegistrations.map((r) => r.country).sort();
    await tx.execute(sql`UPDATE tenant_profiles SET oss_registered = ${input.ossRegistered},
        vat_registrations = ${`{${countries.join(",")}}`}::text[], updated_at = now() WHERE tenant_id = ${tenantId}`);
    await tx.execute(sql`DELETE FROM tenant_vat_registrations WHERE tenant_id = ${tenantId}`);
    if (input.vatRegistrations.length) {
      await tx.execute(sql`INSERT INTO tenant_vat_registrations (tenant_id, country, vat_id) VALUES ${sql.join(
        input.vatRegistrations.map((r) => sql`(${tenantId}, ${r.country}, ${normalizeVatId(r.vatId)})`),
        sql`, `,
      )}`);
    }
    const after = await getTaxSettings(tx, tenantId);
    await recordAudit(tx, {
      tenantId,
      actor,
      action: "settings.tax.update",
      entityType: "settings",
      entityId: "tax",
      before: { ossRegistered: before.ossRegistered, vatRegistrations: before.vatRegistrations },
      after: { ossRegistered: after.ossRegistered, vatRegistrations: after.vatRegistrations },
    });
    return after;
  });
}

/** Sets the tenant's rate of a country and type from a date (replacing its own rate of that date). */
export async function setVatRate(db: Db, tenantId: string, rawInput: VatRateInput, actor: Actor): Promise<VatRateOverride> {
  const v = vatRateInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const [previous] = await queryRows<{ rate: string }>(
      tx,
      sql`SELECT rate::text AS rate FROM vat_rates WHERE tenant_id = ${tenantId} AND country = ${v.country} AND rate_type = ${v.rateType}
            AND valid_from = ${v.validFrom}::date`,
    );
    const [saved] = await queryRows<{ rate: string }>(
      tx,
      sql`INSERT INTO vat_rates (tenant_id, country, rate_type, rate, valid_from)
          VALUES (${tenantId}, ${v.country}, ${v.rateType}, ${v.rate}::numeric, ${v.validFrom}::date)
          ON CONFLICT ON CONSTRAINT vat_rates_uq DO UPDATE SET rate = excluded.rate
          RETURNING rate::text AS rate`,
    );
    const key = { country: v.country, rateType: v.rateType, validFrom: v.validFrom };
    await recordAudit(tx, {
      tenantId,
      actor,
      action: "settings.vat_rate.set",
      entityType: "settings",
      entityId: `vat_rate:${v.country}:${v.rateType}:${v.validFrom}`,
      before: previous ? { ...key, rate: previous.rate } : null,
      after: { ...key, rate: saved.rate },
    });
    return { ...key, rate: saved.rate, shippedRate: shippedVatRate(v.country, v.rateType, v.validFrom) };
  });
}

/** Removes one of the tenant's own rates: the previous own rate or the shipped one applies again. */
export async function deleteVatRate(db: Db, tenantId: string, rawInput: z.input<typeof vatRateKeyInput>, actor: Actor): Promise<{ deleted: true }> {
  const v = vatRateKeyInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const [deleted] = await queryRows<{ rate: string }>(
      tx,
      sql`DELETE FROM vat_rates WHERE tenant_id = ${tenantId} AND country = ${v.country} AND rate_type = ${v.rateType}
            AND valid_from = ${v.validFrom}::date RETURNING rate::text AS rate`,
    );
    if (!deleted) throw notFound("VAT rate");
    await recordAudit(tx, {
      tenantId,
      actor,
      action: "settings.vat_rate.delete",
      entityType: "settings",
      entityId: `vat_rate:${v.country}:${v.rateType}:${v.validFrom}`,
      before: { ...v, rate: deleted.rate },
    });
    return { deleted: true };
  });
}
