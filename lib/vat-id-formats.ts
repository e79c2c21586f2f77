// VAT identification number formats of the EU member states (as checked by VIES before it asks the member state).
// Only the format is checked here; whether the number is registered is the VIES port's job (vies.ts).

/** Pattern of the whole, normalized VAT id (upper case, no spaces, dots or dashes), by the buyer's country. */
export const VAT_ID_FORMATS: Record<string, string> = {
  AT: "^ATU[0-9]{8}$",
  BE: "^BE[01][0-9]{9}$",
  BG: "^BG[0-9]{9,10}$",
  CY: "^CY[0-9]{8}[A-Z]$",
  CZ: "^CZ[0-9]{8,10}$",
  DE: "^DE[0-9]{9}$",
  DK: "^DK[0-9]{8}$",
  EE: "^EE[0-9]{9}$",
  ES: "^ES[0-9A-Z][0-9]{7}[0-9A-Z]$",
  FI: "^FI[0-9]{8}$",
  FR: "^FR[0-9A-HJ-NP-Z]{2}[0-9]{9}$",
  GR: "^EL[0-9]{9}$",
  HR: "^HR[0-9]{11}$",
  HU: "^HU[0-9]{8}$",
  IE: "^IE([0-9]{7}[A-W][A-I]?|[0-9][A-Z+*][0-9]{5}[A-W])$",
  IT: "^IT[0-9]{11}$",
  LT: "^LT([0-9]{9}|[0-9]{12})$",
  LU: "^LU[0-9]{8}$",
  LV: "^LV[0-9]{11}$",
  MT: "^MT[0-9]{8}$",
  NL: "^NL[0-9]{9}B[0-9]{2}$",
  PL: "^PL[0-9]{10}$",
  PT: "^PT[0-9]{9}$",
  RO: "^RO[1-9][0-9]{1,9}$",
  SE: "^SE[0-9]{10}01$",
  SI: "^SI[0-9]{8}$",
  SK: "^SK[0-9]{10}$",
};

export const normalizeVatId = (vatId: string) => vatId.toUpperCase().replace(/[\s.\-]/g, "");

/** null when the id fits its country's format (or the country has no known format), else the reason. */
export function vatIdFormatProblem(country: string, vatId: string): string | null {
  const pattern = VAT_ID_FORMATS[country];
  if (!pattern || new RegExp(pattern).test(normalizeVatId(vatId))) return null;
  return `VAT id ${vatId} does not have the format of a ${country} VAT id`;
}
