// VAT reference data shipped with Billrun: the EU VAT area, territories outside it, and the EU-27 rates.
// The rates are seeded into `vat_rates` (tenant_id NULL) by db/migrations/0017_tax_determination.sql; a tenant edits
// them by adding its own rows (they win over the shipped ones). A test checks that the migration seeds exactly these.

/** EU-27 member states by ISO 3166-1 alpha-2 (Greece is GR; its VAT ids start with EL). */
export const EU_MEMBER_STATES = [
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
  "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
] as const;

/**
 * Territories of member states outside the EU VAT area (Article 6 of Directive 2006/112/EC), by their ISO or
 * exceptionally reserved codes: Canary Islands (IC), Ceuta and Melilla (EA), Åland (AX) and the French overseas
 * departments with codes of their own. Supplies to them are treated like exports.
 */
export const NON_VAT_TERRITORIES = ["IC", "EA", "AX", "GP", "MQ", "RE", "GF", "YT", "MF"] as const;

export type VatRateType = "STANDARD" | "REDUCED";

/** [country, rate type, rate %, valid from]. A row is valid until the next row of the same country and type. */
export const EU_VAT_RATES: readonly (readonly [string, VatRateType, string, string])[] = [
  ["AT", "STANDARD", "20.00", "2016-01-01"], ["AT", "REDUCED", "10.00", "2016-01-01"],
  ["BE", "STANDARD", "21.00", "2016-01-01"], ["BE", "REDUCED", "6.00", "2016-01-01"],
  ["BG", "STANDARD", "20.00", "2016-01-01"], ["BG", "REDUCED", "9.00", "2016-01-01"],
  ["CY", "STANDARD", "19.00", "2016-01-01"], ["CY", "REDUCED", "9.00", "2016-01-01"],
  ["CZ", "STANDARD", "21.00", "2016-01-01"], ["CZ", "REDUCED", "12.00", "2024-01-01"],
  ["DE", "STANDARD", "19.00", "2016-01-01"], ["DE", "REDUCED", "7.00", "2016-01-01"],
  ["DK", "STANDARD", "25.00", "2016-01-01"],
  ["EE", "STANDARD", "22.00", "2024-01-01"], ["EE", "STANDARD", "24.00", "2025-07-01"], ["EE", "REDUCED", "9.00", "2016-01-01"],
  ["ES", "STANDARD", "21.00", "2016-01-01"], ["ES", "REDUCED", "10.00", "2016-01-01"],
  ["FI", "STANDARD", "24.00", "2016-01-01"], ["FI", "STANDARD", "25.50", "2024-09-01"],
  ["FI", "REDUCED", "14.00", "2016-01-01"], ["FI", "REDUCED", "13.50", "2026-01-01"],
  ["FR", "STANDARD", "20.00", "2016-01-01"], ["FR", "REDUCED", "10.00", "2016-01-01"],
  ["GR", "STANDARD", "24.00", "2016-06-01"], ["GR", "REDUCED", "13.00", "2016-06-01"],
  ["HR", "STANDARD", "25.00", "2016-01-01"], ["HR", "REDUCED", "13.00", "2016-01-01"],
  ["HU", "STANDARD", "27.00", "2016-01-01"], ["HU", "REDUCED", "18.00", "2016-01-01"],
  ["IE", "STANDARD", "23.00", "2021-03-01"], ["IE", "REDUCED", "13.50", "2016-01-01"],
  ["IT", "STANDARD", "22.00", "2016-01-01"], ["IT", "REDUCED", "10.00", "2016-01-01"],
  ["LT", "STANDARD", "21.00", "2016-01-01"], ["LT", "REDUCED", "9.00", "2016-01-01"],
  ["LU", "STANDARD", "17.00", "2024-01-01"], ["LU", "REDUCED", "8.00", "2024-01-01"],
  ["LV", "STANDARD", "21.00", "2016-01-01"], ["LV", "REDUCED", "12.00", "2016-01-01"],
  ["MT", "STANDARD", "18.00", "2016-01-01"], ["MT", "REDUCED", "7.00", "2016-01-01"],
  ["NL", "STANDARD", "21.00", "2016-01-01"], ["NL", "REDUCED", "9.00", "2019-01-01"],
  ["PL", "STANDARD", "23.00", "2016-01-01"], ["PL", "REDUCED", "8.00", "2016-01-01"],
  ["PT", "STANDARD", "23.00", "2016-01-01"], ["PT", "REDUCED", "13.00", "2016-01-01"],
  ["RO", "STANDARD", "19.00", "2017-01-01"], ["RO", "STANDARD", "21.00", "2025-08-01"],
  ["RO", "REDUCED", "9.00", "2017-01-01"], ["RO", "REDUCED", "11.00", "2025-08-01"],
  ["SE", "STANDARD", "25.00", "2016-01-01"], ["SE", "REDUCED", "12.00", "2016-01-01"],
  ["SI", "STANDARD", "22.00", "2016-01-01"], ["SI", "REDUCED", "9.50", "2016-01-01"],
  ["SK", "STANDARD", "20.00", "2016-01-01"], ["SK", "STANDARD", "23.00", "2025-01-01"],
  ["SK", "REDUCED", "10.00", "2016-01-01"], ["SK", "REDUCED", "19.00", "2025-01-01"],
  // Canary Islands IGIC (category L for a seller established there)
  ["IC", "STANDARD", "7.00", "2016-01-01"], ["IC", "REDUCED", "3.00", "2016-01-01"],
];

/** The shipped rate of a country and type on a date (the tenant's own rows are not considered here). */
export function shippedVatRate(country: string, type: VatRateType, onDate: string): string | null {
  let best: (typeof EU_VAT_RATES)[number] | null = null;
  for (const row of EU_VAT_RATES) {
    if (row[0] === country && row[1] === type && row[3] <= onDate && (!best || row[3] > best[3])) best = row;
  }
  return best ? best[2] : null;
}
