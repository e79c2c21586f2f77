import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { currencyCode, easCode, isoDate } from "@/lib/billing-inputs";
import { recordAudit } from "@/server/audit/audit-log";
import type { Actor } from "@/server/billing/runs-core";
import { notFound } from "@/server/errors";

// The seller's e-invoice data (contact BT-41/42/43, registered electronic address BT-34, VAT accounting currency BT-6)
// and the exchange rates the tenant provides for BT-111. Shared by tRPC (Settings) and REST.

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .transform((v) => (v === "" ? null : v))
    .nullable();

export const einvoiceProfileInput = z
  .object({
    contactName: optionalText(200).describe(
      "BT-41 seller contact point (a person or department)",
    ),
    // DE-R-027: a telephone number has at least 3 digits
    contactPhone: optionalText(50)
      .refine(
        (v) => v === null || v.replace(/\D/g, "").length >= 3,
        "must contain at least 3 digits",
      )
      .describe("BT-42 seller contact telephone"),
    contactEmail: z
      .union([z.literal(""), z.email("must be an e-mail address").max(320)])
      .transform((v) => v || null)
      .nullable()
      .describe("BT-43; empty: the profile e-mail"),
    electronicAddressScheme: z
      .union([z.literal(""), easCode])
      .transform((v) => v || null)
      .nullable()
      .describe("EAS code of the registered address"),
    electronicAddress: optionalText(200).describe(
      "BT-34 the seller's registered electronic address (e.g. its Peppol participant id)",
    ),
    vatAccountingCurrency: z
      .union([z.literal(""), currencyCode])
      .transform((v) => v || null)
      .nullable()
      .describe("BT-6; empty: the default currency"),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!!v.electronicAddressScheme !== !!v.electronicAddress) {
      ctx.addIssue({
        code: "custom",
        path: ["electronicAddress"],
        message: "give both the scheme and the address, or neither",
      });
    }
  });
export type EinvoiceProfileInput = z.input<typeof einvoiceProfileInput>;
export type EinvoiceProfile = z.output<typeof einvoiceProfileInput> & {
  defaultCurrency: string;
};

export async function getEinvoiceProfile(
  db: Queryable,
  tenantId: string,
): Promise<EinvoiceProfile> {
  const [row] = await queryRows<EinvoiceProfile>(
    db,
    sql`SELECT contact_name AS "contactName", contact_phone AS "contactPhone", contact_email AS "contactEmail",
          electronic_address_scheme AS "electronicAddressScheme", electronic_address AS "electronicAddress",
          vat_accounting_currency::text AS "vatAccountingCurrency", default_currency::text AS "defaultCurrency"
        FROM tenant_profiles WHERE tenant_id = ${tenantId}`,
  );
  if (!row) throw notFound("Seller profile");
  return row;
}

export async function updateEinvoiceProfile(
  db: Db,
  tenantId: string,
  raw: EinvoiceProfileInput,
  actor: Actor,
): Promise<EinvoiceProfile> {
  const v = einvoiceProfileInput.parse(raw);
  return db.transaction(async (tx) => {
    const locked = await queryRows<{ tenant_id: string }>(
      tx,
      sql`SELECT tenant_id FROM tenant_profiles WHERE tenant_id = ${tenantId} FOR UPDATE`,
    );
    if (!locked.length) throw notFound("Seller profile");
    const before = await getEinvoiceProfile(tx, tenantId);
    await tx.execute(sql`UPDATE tenant_profiles SET contact_name = ${v.contactName}, contact_phone = ${v.contactPhone}, contact_email = ${v.contactEmail},
          electronic_address_scheme = ${v.electronicAddressScheme}, electronic_address = ${v.electronicAddress},
          vat_accounting_currency = ${v.vatAccountingCurrency}, updated_at = now()
        WHERE tenant_id = ${tenantId}`);
    const after = await getEinvoiceProfile(tx, tenantId);
    await recordAudit(tx, {
      tenantId,
      actor,
      action: "settings.einvoice_profile.update",
      entityType: "settings",
      entityId: "einvoice_profile",
      before,
      after,
    });
    return after;
  });
}

const rate = z
  .string({ error: 'must be a decimal string, e.g. "0.9214"' })
  .regex(
    /^\d{1,10}(\.\d{1,10})?$/,
    'must be a positive decimal such as "0.9214"',
  )
  .refine((v) => /[1-9]/.test(v), "must be greater than 0");

export const exchangeRateInput = z
  .object({
    currency: currencyCode.describe("the invoice currency"),
    rateDate: isoDate.describe(
      "valid from this date (an invoice uses the latest rate on or before its date)",
    ),
    rate: rate.describe(
      "units of the VAT accounting currency for 1 unit of `currency`",
    ),
  })
  .strict();
export const exchangeRateKeyInput = exchangeRateInput.pick({
  currency: true,
  rateDate: true,
});
export type ExchangeRate = z.output<typeof exchangeRateInput>;

export async function listExchangeRates(
  db: Queryable,
  tenantId: string,
): Promise<ExchangeRate[]> {
  return queryRows<ExchangeRate>(
    db,
    sql`SELECT currency::text AS currency, rate_date::text AS "rateDate", rate::text AS rate FROM exchange_rates
        WHERE tenant_id = ${tenantId} ORDER BY currency, rate_date DESC LIMIT 1000`,
  );
}

const rateEntity = (v: { currency: string; rateDate: string }) => `exchange_rate:${v.currency}:${v.rateDate}`;

/** Sets the rate of a currency for a date (replacing that date's rate). */
export async function setExchangeRate(
  db: Db,
  tenantId: string,
  raw: z.input<typeof exchangeRateInput>,
  actor: Actor,
): Promise<ExchangeRate> {
  const v = exchangeRateInput.parse(raw);
  return db.transaction(async (tx) => {
    const [previous] = await queryRows<{ rate: string }>(
      tx,
      sql`SELECT rate::text AS rate FROM exchange_rates
          WHERE tenant_id = ${tenantId} AND currency = ${v.currency} AND rate_date = ${v.rateDate}::date FOR UPDATE`,
    );
    const [saved] = await queryRows<{ rate: string }>(
      tx,
      sql`INSERT INTO exchange_rates (tenant_id, currency, rate_date, rate) VALUES (${tenantId}, ${v.currency}, ${v.rateDate}::date, ${v.rate}::numeric)
          ON CONFLICT (tenant_id, currency, rate_date) DO UPDATE SET rate = excluded.rate, updated_at = now()
          RETURNING rate::text AS rate`,
    );
    const key = { currency: v.currency, rateDate: v.rateDate };
    await recordAudit(tx, {
      tenantId,
      actor,
      action: "settings.exchange_rate.set",
      entityType: "settings",
      entityId: rateEntity(v),
      before: previous ? { ...key, rate: previous.rate } : null,
      after: { ...key, rate: saved.rate },
    });
    return v;
  });
}

export async function deleteExchangeRate(
  db: Db,
  tenantId: string,
  raw: z.input<typeof exchangeRateKeyInput>,
  actor: Actor,
): Promise<{ deleted: boolean }> {
  const v = exchangeRateKeyInput.parse(raw);
  return db.transaction(async (tx) => {
    const [deleted] = await queryRows<{ rate: string }>(
      tx,
      sql`DELETE FROM exchange_rates WHERE tenant_id = ${tenantId} AND currency = ${v.currency} AND rate_date = ${v.rateDate}::date
          RETURNING rate::text AS rate`,
    );
    if (!deleted) throw notFound("Exchange rate");
    await recordAudit(tx, {
      tenantId,
      actor,
      action: "settings.exchange_rate.delete",
      entityType: "settings",
      entityId: rateEntity(v),
      before: { currency: v.currency, rateDate: v.rateDate, rate: deleted.rate },
    });
    return { deleted: true };
  });
}
