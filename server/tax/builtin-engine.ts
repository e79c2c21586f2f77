import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { EU_MEMBER_STATES } from "./eu-vat-data";
import { VAT_ID_FORMATS } from "@/lib/vat-id-formats";
import { VATEX_TEXTS, type TaxDetermination, type TaxEngine, type TaxInput, type TaxSeller, type VatCategoryCode } from "./tax-engine";

// The built-in VAT rules as one SQL query over any relation of inputs, so the lines stage determines every line's VAT
// inside its own set-based statement, and `builtinTaxEngine` answers the port with the very same rules.
//
// Every level ends in OFFSET 0: a fence that keeps the planner from inlining a level's columns into the next one, which
// would repeat the VAT id checks wherever a later level refers to them (12 times slower on 150,000 lines).
//
// Rules (place of supply, Directive 2006/112/EC), per line:
//   no buyer country, a business buyer's malformed VAT id, an exempt charge without a reason → error (REJECTED),
//     the line then carries the seller's domestic VAT;
//   EXEMPT → E with the charge's VATEX code / text;
//   buyer in the seller's country → domestic: S (L in the Canary Islands, M in Ceuta / Melilla) at the seller's rate, Z for ZERO;
//   seller or buyer outside the EU VAT area (incl. the Canary Islands and other non-VAT territories) → G for goods, O otherwise;
//   EU business buyer with a VAT id → K for goods, AE otherwise (reverse charge);
//   EU consumer (or business without VAT id): electronic services and goods at the destination rate when the seller
//     is OSS-registered or VAT-registered there; otherwise (and for other services) the seller's rate.

/** Input columns the source relation must have (any extra columns are carried through). */
export type TaxSourceColumns =
  | "buyer_country"
  | "buyer_vat_state" // NONE | VALID | INVALID, from vatIdStateSql (checked once per account, not per line)
  | "customer_type"
  | "tax_class"
  | "charge_rate"
  | "exemption_code"
  | "exemption_reason";
/** Output columns added to each row. */
export type TaxOutputColumns = "vat_category" | "vat_rate" | "vat_exemption_code" | "vat_exemption_reason" | "tax_error";

const COUNTRY = /^[A-Z]{2}$/;
const literal = (value: string) => sql.raw(`'${value.replace(/'/g, "''")}'`);
const literalList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", "));

function sellerConstants(seller: TaxSeller) {
  const codes = [seller.country, ...seller.vatRegistrations];
  const bad = codes.find((c) => !COUNTRY.test(c));
  if (bad !== undefined) throw new Error(`Seller country "${bad}" is not an ISO 3166 alpha-2 code`);
  const inEu = (EU_MEMBER_STATES as readonly string[]).includes(seller.country);
  return {
    country: literal(seller.country),
    inEu: sql.raw(String(inEu)),
    // OSS and own registrations only matter inside the EU
    destinations: inEu && seller.ossRegistered ? null : seller.vatRegistrations.filter((c) => c !== seller.country),
    oss: inEu && seller.ossRegistered,
    domesticCategory: seller.country === "IC" ? "L" : seller.country === "EA" ? "M" : "S",
  };
}

/** The tenant's VAT rates on a date: its own rows win over the shipped ones; per country and type the latest valid row. */
export function vatRatesSql(tenantId: string, taxDate: string): SQL {
  return sql`SELECT DISTINCT ON (country, rate_type) country, rate_type, rate
    FROM vat_rates WHERE (tenant_id = ${tenantId} OR tenant_id IS NULL) AND valid_from <= ${taxDate}::date
    ORDER BY country, rate_type, (tenant_id IS NULL), valid_from DESC`;
}

/** NONE (no VAT id), VALID or INVALID (not in the format of the country's VAT ids). */
export function vatIdStateSql(vatId: SQL, country: SQL): SQL {
  const normalized = sql`upper(regexp_replace(${vatId}, '[[:space:].-]', '', 'g'))`;
  const formatCheck = sql.join(
    Object.entries(VAT_ID_FORMATS).map(([c, pattern]) => sql`WHEN ${literal(c)} THEN ${normalized} ~ ${literal(pattern)}`),
    sql` `,
  );
  return sql`CASE WHEN btrim(coalesce(${vatId}, '')) = '' THEN 'NONE'
    WHEN CASE ${country} ${formatCheck} ELSE TRUE END THEN 'VALID' ELSE 'INVALID' END`;
}

/** `source` with the determination's columns added (TaxOutputColumns); see the rules above. */
export function taxDeterminationSql(seller: TaxSeller, tenantId: string, taxDate: string, source: SQL): SQL {
  const s = sellerConstants(seller);
  const eu = literalList(EU_MEMBER_STATES);
  const goods = (alias: string) => sql.raw(`${alias}.tax_class IN ('GOODS', 'GOODS_REDUCED')`);
  const destinationAllowed = s.oss ? sql`TRUE` : s.destinations!.length ? sql`t2.tax_country IN (${literalList(s.destinations!)})` : sql`FALSE`;
  const vatexText = (code: SQL) =>
    sql`CASE ${code} ${sql.join(Object.entries(VATEX_TEXTS).map(([c, text]) => sql`WHEN ${literal(c)} THEN ${literal(text)}`), sql` `)} END`;
  return sql`
    SELECT t4.*, coalesce(t4.tax_rate, t4.charge_rate) AS vat_rate,
      coalesce(t4.tax_error0, CASE WHEN t4.tax_rate IS NULL
        THEN 'No ' || lower(t4.tax_rate_type) || ' VAT rate for ' || t4.tax_rate_country || ' on ' || ${taxDate}::text END) AS tax_error
    FROM (
      SELECT t3.*,
        (CASE t3.tax_regime
          WHEN 'EXEMPT' THEN 'E'
          WHEN 'EXPORT' THEN CASE WHEN ${goods("t3")} THEN 'G' ELSE 'O' END
          WHEN 'INTRA_B2B' THEN CASE WHEN ${goods("t3")} THEN 'K' ELSE 'AE' END
          ELSE CASE WHEN t3.tax_class = 'ZERO' THEN 'Z'
                    WHEN t3.tax_regime = 'DESTINATION' THEN 'S' ELSE ${literal(s.domesticCategory)} END
        END)::vat_category AS vat_category,
        CASE WHEN t3.tax_regime IN ('EXEMPT', 'EXPORT', 'INTRA_B2B') OR t3.tax_class = 'ZERO' THEN 0::numeric
             ELSE coalesce(vr.rate, CASE WHEN t3.tax_regime <> 'DESTINATION' THEN t3.charge_rate END) END AS tax_rate,
        CASE t3.tax_regime
          WHEN 'EXEMPT' THEN t3.exemption_code
          WHEN 'EXPORT' THEN CASE WHEN ${goods("t3")} THEN 'VATEX-EU-G' ELSE 'VATEX-EU-O' END
          WHEN 'INTRA_B2B' THEN CASE WHEN ${goods("t3")} THEN 'VATEX-EU-IC' ELSE 'VATEX-EU-AE' END
        END AS vat_exemption_code,
        CASE t3.tax_regime
          WHEN 'EXEMPT' THEN coalesce(t3.exemption_reason, ${vatexText(sql`t3.exemption_code`)}, t3.exemption_code)
          WHEN 'EXPORT' THEN CASE WHEN ${goods("t3")} THEN ${literal(VATEX_TEXTS["VATEX-EU-G"])} ELSE ${literal(VATEX_TEXTS["VATEX-EU-O"])} END
          WHEN 'INTRA_B2B' THEN CASE WHEN ${goods("t3")} THEN ${literal(VATEX_TEXTS["VATEX-EU-IC"])} ELSE ${literal(VATEX_TEXTS["VATEX-EU-AE"])} END
        END AS vat_exemption_reason
      FROM (
        SELECT t2.*,
          CASE WHEN t2.tax_regime = 'DESTINATION' THEN t2.tax_country ELSE ${s.country} END AS tax_rate_country,
          CASE WHEN t2.tax_class IN ('REDUCED', 'GOODS_REDUCED') THEN 'REDUCED' ELSE 'STANDARD' END AS tax_rate_type
        FROM (
          SELECT t2.*,
            CASE
              WHEN t2.tax_class = 'EXEMPT' AND t2.tax_error0 IS NULL AND t2.tax_country = ${s.country} THEN 'EXEMPT'
              WHEN t2.tax_country = ${s.country} THEN 'DOMESTIC'
              -- supplied outside the EU VAT area: not subject (O / G) even when exempt at home — EN 16931 allows no
              -- other category beside O on the invoice (BR-O-11)
              WHEN NOT ${s.inEu} OR t2.tax_country NOT IN (${eu}) THEN 'EXPORT'
              WHEN t2.tax_class = 'EXEMPT' AND t2.tax_error0 IS NULL THEN 'EXEMPT'
              WHEN t2.customer_type = 'BUSINESS' AND t2.buyer_vat_state = 'VALID' THEN 'INTRA_B2B'
              WHEN t2.tax_class IN ('ELECTRONIC_SERVICE', 'GOODS', 'GOODS_REDUCED') AND ${destinationAllowed} THEN 'DESTINATION'
              ELSE 'ORIGIN'
            END AS tax_regime
          FROM (
            SELECT t1.*, CASE WHEN t1.tax_error0 IS NULL THEN t1.buyer_country::text ELSE ${s.country} END AS tax_country
            FROM (
              SELECT t1.*,
                CASE
                  WHEN t1.buyer_country IS NULL THEN 'Buyer country missing: the VAT cannot be determined'
                  WHEN t1.customer_type = 'BUSINESS' AND t1.buyer_vat_state = 'INVALID'
                    THEN 'The buyer''s VAT id does not have the format of a ' || t1.buyer_country || ' VAT id'
                  WHEN t1.tax_class = 'EXEMPT' AND t1.exemption_code IS NULL AND t1.exemption_reason IS NULL
                    THEN 'The charge is VAT-exempt but names no exemption reason (VATEX code or text)'
                END AS tax_error0
              FROM (${source}) t1 OFFSET 0
            ) t1 OFFSET 0
          ) t2 OFFSET 0
        ) t2 OFFSET 0
      ) t3
      LEFT JOIN (${vatRatesSql(tenantId, taxDate)}) vr ON vr.country = t3.tax_rate_country AND vr.rate_type = t3.tax_rate_type
    ) t4`;
}

/**
 * The tax class of a charge given only an EN 16931 category and rate (API clients that send no taxClass, and the
 * migration of existing charges): Z → ZERO, E → EXEMPT, K / G → GOODS, S below the seller's standard rate → REDUCED,
 * anything else STANDARD (AE, O, L, M were services whose category now follows the buyer).
 */
export function legacyTaxClassSql(tenantId: string, category: SQL, rate: SQL): SQL {
  return sql`(CASE
    WHEN ${category} = 'Z' THEN 'ZERO' WHEN ${category} = 'E' THEN 'EXEMPT' WHEN ${category} IN ('K', 'G') THEN 'GOODS'
    WHEN ${category} = 'S' AND ${rate} < (
      SELECT vr.rate FROM tenant_profiles tp JOIN vat_rates vr ON vr.country = tp.country AND vr.rate_type = 'STANDARD'
      WHERE tp.tenant_id = ${tenantId} AND (vr.tenant_id = ${tenantId} OR vr.tenant_id IS NULL) AND vr.valid_from <= current_date
      ORDER BY vr.tenant_id IS NULL, vr.valid_from DESC LIMIT 1) THEN 'REDUCED'
    ELSE 'STANDARD' END)::tax_class`;
}

type DeterminationRow = {
  vat_category: VatCategoryCode;
  vat_rate: string;
  vat_exemption_code: string | null;
  vat_exemption_reason: string | null;
  tax_error: string | null;
};

/** The built-in engine behind the port: the same SQL over the given inputs. */
export function builtinTaxEngine(db: Queryable, tenantId: string): TaxEngine {
  return {
    async determine(seller: TaxSeller, taxDate: string, inputs: TaxInput[]): Promise<TaxDetermination[]> {
      if (!inputs.length) return [];
      const values = sql.join(
        inputs.map(
          (x, i) =>
            sql`(${i}::int, ${x.buyerCountry}::text, ${x.buyerVatId}::text, ${x.customerType}::text, ${x.taxClass}::text,
                 ${x.chargeRate}::numeric, ${x.exemptionCode}::text, ${x.exemptionReason}::text)`,
        ),
        sql`, `,
      );
      const source = sql`SELECT v.*, ${vatIdStateSql(sql`v.buyer_vat_id`, sql`v.buyer_country`)} AS buyer_vat_state FROM (VALUES ${values})
        AS v(i, buyer_country, buyer_vat_id, customer_type, tax_class, charge_rate, exemption_code, exemption_reason)`;
      const rows = await queryRows<DeterminationRow & { i: number }>(
        db,
        sql`SELECT d.i, d.vat_category, round(d.vat_rate, 2)::text AS vat_rate, d.vat_exemption_code, d.vat_exemption_reason, d.tax_error
            FROM (${taxDeterminationSql(seller, tenantId, taxDate, source)}) d ORDER BY d.i`,
      );
      return rows.map((r) => ({
        category: r.vat_category,
        rate: r.vat_rate,
        exemptionCode: r.vat_exemption_code,
        exemptionReason: r.vat_exemption_reason,
        error: r.tax_error,
      }));
    },
  };
}

/** The seller's side of the determination as one row (country, oss_registered, vat_registrations), to fold into a statement. */
export const taxSellerSql = (tenantId: string): SQL =>
  sql`SELECT country::text AS country, oss_registered, vat_registrations FROM tenant_profiles WHERE tenant_id = ${tenantId}`;

export type TaxSellerRow = { country: string | null; oss_registered: boolean | null; vat_registrations: string[] | null };

export function taxSellerFromRow(row: TaxSellerRow | undefined, tenantId: string): TaxSeller {
  if (!row?.country) throw new Error(`Tenant ${tenantId} has no seller profile`);
  return { country: row.country.trim(), ossRegistered: row.oss_registered ?? false, vatRegistrations: row.vat_registrations ?? [] };
}

/** The seller's side of the determination, from the tenant's profile. */
export async function loadTaxSeller(db: Queryable, tenantId: string): Promise<TaxSeller> {
  const [row] = await queryRows<TaxSellerRow>(db, taxSellerSql(tenantId));
  return taxSellerFromRow(row, tenantId);
}
