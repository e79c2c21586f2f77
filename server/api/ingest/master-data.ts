import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { badRequest, type FieldIssue } from "@/server/errors";
import { legacyTaxClassSql } from "@/server/tax/builtin-engine";
import {
  upsertAccountsInput,
  upsertChargesInput,
  upsertSubscriptionsInput,
  type UpsertAccountsInput,
  type UpsertChargesInput,
  type UpsertSubscriptionsInput,
} from "./schemas";

// Upserts replace the whole record (like PUT): an optional field left out is cleared.
// Each batch is one statement, so it is stored entirely or not at all.

export type UpsertResult = { received: number; created: number; updated: number };

type Counts = { created: number; updated: number; badCount: number; bad: { i: number; value: string }[] };

function refuse(what: string, total: number, counts: Counts, issue: (bad: { i: number; value: string }) => FieldIssue): never {
  const issues = counts.bad.map(issue);
  throw badRequest(
    `${counts.badCount} of ${total} ${what} reference records this tenant does not have; nothing was stored. First: ${issues[0].field}: ${issues[0].message}`,
    issues,
  );
}

const result = (received: number, counts: Counts): UpsertResult => ({ received, created: counts.created, updated: counts.updated });

const summary = sql`SELECT (SELECT count(*) FILTER (WHERE created) FROM up)::int AS created,
    (SELECT count(*) FILTER (WHERE NOT created) FROM up)::int AS updated,
    (SELECT count(*) FROM bad)::int AS "badCount",
    (SELECT coalesce(json_agg(b ORDER BY b.i), '[]'::json) FROM (SELECT * FROM bad ORDER BY i LIMIT 100) b) AS bad`;

export async function upsertAccounts(db: Queryable, tenantId: string, rawInput: UpsertAccountsInput): Promise<UpsertResult> {
  const { accounts } = upsertAccountsInput.parse(rawInput);
  const rows = accounts.map((a, i) => ({
    i,
    external_id: a.externalId,
    name: a.name,
    email: a.email ?? null,
    address_line: a.addressLine ?? null,
    city: a.city ?? null,
    postal_code: a.postalCode ?? null,
    country: a.country ?? null,
    vat_id: a.vatId ?? null,
    customer_type: a.customerType,
    currency: a.currency,
    language: a.language ?? null,
    billing_cycle_id: a.billingCycleId ?? null,
    eas: a.electronicAddressScheme ?? null,
    ea: a.electronicAddress ?? null,
    buyer_reference: a.buyerReference ?? null,
    po: a.purchaseOrderReference ?? null,
    einvoice_format: a.einvoiceFormat,
  }));
  const [counts] = await queryRows<Counts>(
    db,
    sql`WITH input AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(i int, external_id text, name text, email text,
            address_line text, city text, postal_code text, country text, vat_id text, currency text, language text,
            billing_cycle_id uuid, eas text, ea text, buyer_reference text, po text, einvoice_format einvoice_format, customer_type customer_type)
        ), bad AS (
          SELECT i, billing_cycle_id::text AS value FROM input r
          WHERE billing_cycle_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM billing_cycles b WHERE b.tenant_id = ${tenantId} AND b.id = r.billing_cycle_id)
        ), up AS (
          INSERT INTO customer_accounts AS t (tenant_id, external_id, name, email, address_line, city, postal_code, country, vat_id,
            currency, language, billing_cycle_id, electronic_address_scheme, electronic_address, buyer_reference,
            purchase_order_reference, einvoice_format, customer_type)
          SELECT ${tenantId}, external_id, name, email, address_line, city, postal_code, country, vat_id, currency, language,
            billing_cycle_id, eas, ea, buyer_reference, po, einvoice_format, customer_type
          FROM input WHERE NOT EXISTS (SELECT 1 FROM bad) ORDER BY external_id
          ON CONFLICT (tenant_id, external_id) DO UPDATE SET name = excluded.name, email = excluded.email,
            address_line = excluded.address_line, city = excluded.city, postal_code = excluded.postal_code,
            country = excluded.country, vat_id = excluded.vat_id, currency = excluded.currency, language = excluded.language,
            billing_cycle_id = excluded.billing_cycle_id, electronic_address_scheme = excluded.electronic_address_scheme,
            electronic_address = excluded.electronic_address, buyer_reference = excluded.buyer_reference,
            purchase_order_reference = excluded.purchase_order_reference, einvoice_format = excluded.einvoice_format,
            customer_type = excluded.customer_type, updated_at = now()
          RETURNING (xmax = 0) AS created
        )
        ${summary}`,
  );
  if (counts.badCount) refuse("accounts", accounts.length, counts, (b) => ({ field: `accounts.${b.i}.billingCycleId`, message: `unknown billing cycle "${b.value}"` }));
  return result(accounts.length, counts);
}

export async function upsertSubscriptions(db: Queryable, tenantId: string, rawInput: UpsertSubscriptionsInput): Promise<UpsertResult> {
  const { subscriptions } = upsertSubscriptionsInput.parse(rawInput);
  const rows = subscriptions.map((s, i) => ({
    i,
    external_id: s.externalId,
    account: s.accountExternalId,
    name: s.name,
    start_date: s.startDate,
    end_date: s.endDate ?? null,
    buyer_reference: s.buyerReference ?? null,
    po: s.purchaseOrderReference ?? null,
  }));
  const [counts] = await queryRows<Counts & { bad: { i: number; value: string; moved: boolean }[] }>(
    db,
    sql`WITH input AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            AS r(i int, external_id text, account text, name text, start_date date, end_date date, buyer_reference text, po text)
        ), resolved AS (
          SELECT r.*, a.id AS account_id, s.account_id AS current_account_id
          FROM input r
          LEFT JOIN customer_accounts a ON a.tenant_id = ${tenantId} AND a.external_id = r.account
          LEFT JOIN subscriptions s ON s.tenant_id = ${tenantId} AND s.external_id = r.external_id
        ), bad AS (
          SELECT i, account AS value, account_id IS NOT NULL AS moved FROM resolved
          WHERE account_id IS NULL OR (current_account_id IS NOT NULL AND current_account_id <> account_id)
        ), up AS (
          INSERT INTO subscriptions (tenant_id, account_id, external_id, name, start_date, end_date, buyer_reference, purchase_order_reference)
          SELECT ${tenantId}, account_id, external_id, name, start_date, end_date, buyer_reference, po
          FROM resolved WHERE NOT EXISTS (SELECT 1 FROM bad) ORDER BY external_id
          ON CONFLICT (tenant_id, external_id) DO UPDATE SET name = excluded.name, start_date = excluded.start_date, end_date = excluded.end_date,
            buyer_reference = excluded.buyer_reference, purchase_order_reference = excluded.purchase_order_reference
          RETURNING (xmax = 0) AS created
        )
        ${summary}`,
  );
  if (counts.badCount) {
    refuse("subscriptions", subscriptions.length, counts, (b) => ({
      field: `subscriptions.${b.i}.accountExternalId`,
      message: (b as { moved?: boolean }).moved
        ? `the subscription already belongs to another account; it cannot move to "${b.value}"`
        : `unknown account "${b.value}"`,
    }));
  }
  return result(subscriptions.length, counts);
}

export async function upsertCharges(db: Queryable, tenantId: string, rawInput: UpsertChargesInput): Promise<UpsertResult> {
  const { charges } = upsertChargesInput.parse(rawInput);
  const rows = charges.map((c, i) => ({
    i,
    code: c.code,
    label: c.label,
    type: c.type,
    vat_category: c.vatCategory,
    vat_rate: c.vatRate,
    reason: c.vatExemptionReason ?? null,
    tax_class: c.taxClass ?? null,
    vatex: c.vatExemptionCode ?? null,
    line_grouping: c.lineGrouping,
    usage_annex: c.usageAnnex,
  }));
  const [counts] = await queryRows<Counts>(
    db,
    sql`WITH input AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            AS r(i int, code text, label text, type charge_type, vat_category vat_category, vat_rate numeric, reason text,
              tax_class tax_class, vatex text, line_grouping line_grouping, usage_annex boolean)
        ), bad AS (SELECT 0 AS i, '' AS value WHERE false),
        up AS (
          INSERT INTO charges (tenant_id, code, label, type, vat_category, vat_rate, vat_exemption_reason, tax_class, vat_exemption_code,
            line_grouping, usage_annex)
          SELECT ${tenantId}, code, label, type, vat_category, vat_rate, reason,
            coalesce(tax_class, ${legacyTaxClassSql(tenantId, sql`vat_category`, sql`vat_rate`)}), vatex, line_grouping, usage_annex
          FROM input ORDER BY code
          ON CONFLICT (tenant_id, code) DO UPDATE SET label = excluded.label, type = excluded.type,
            vat_category = excluded.vat_category, vat_rate = excluded.vat_rate, vat_exemption_reason = excluded.vat_exemption_reason,
            tax_class = excluded.tax_class, vat_exemption_code = excluded.vat_exemption_code, line_grouping = excluded.line_grouping,
            usage_annex = excluded.usage_annex
          RETURNING (xmax = 0) AS created
        )
        ${summary}`,
  );
  return result(charges.length, counts);
}
