// ISO code lists for strict input (currencies, countries): plain data, client-safe (forms import the schemas built on it).
// Checked against the runtime's ICU data in lib/iso-codes.test.ts, which lists every known difference with its reason,
// so a Node/ICU update that changes the picture fails the test instead of silently changing what is accepted.

/**
 * ISO 4217 list one, active currencies an invoice can be issued in (as of December 2026). Not included: the codes of
 * NON_CURRENCIES (no currency, testing, precious metals, bond-market units, SDR, Sucre, ADB unit), the fund codes of
 * FUND_CODES (units of account, not legal tender) and the WITHDRAWN ones.
 */
export const ISO_4217_CURRENCIES: ReadonlySet<string> = new Set(
  (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY " +
    "COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR " +
    "ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK " +
    "MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF " +
    "SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU " +
    "UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"
  ).split(" "),
);

/** ISO 4217 codes that are not currencies, with the reason given when one is sent. */
export const NON_CURRENCIES: Readonly<Record<string, string>> = {
  XXX: "means \"no currency involved\"",
  XTS: "is reserved for testing",
  XAU: "is gold (a precious metal)",
  XAG: "is silver (a precious metal)",
  XPT: "is platinum (a precious metal)",
  XPD: "is palladium (a precious metal)",
  XBA: "is a European bond-market unit (EURCO)",
  XBB: "is a European bond-market unit (EMU-6)",
  XBC: "is a European bond-market unit (EUA-9)",
  XBD: "is a European bond-market unit (EUA-17)",
  XDR: "is the IMF's special drawing right",
  XSU: "is the ALBA Sucre (a unit of account between central banks)",
  XUA: "is the African Development Bank's unit of account",
};

/** ISO 4217 fund codes: units of account beside a currency, not what an invoice is issued in. */
export const FUND_CODES: Readonly<Record<string, string>> = {
  BOV: "BOB",
  CHE: "CHF",
  CHW: "CHF",
  CLF: "CLP",
  COU: "COP",
  MXV: "MXN",
  USN: "USD",
  UYI: "UYU",
  UYW: "UYU",
};

/** Withdrawn ISO 4217 codes still met in data (some are still in ICU's list), with their successor. */
export const WITHDRAWN_CURRENCIES: Readonly<Record<string, string>> = {
  ANG: "XCG",
  BGN: "EUR",
  BYR: "BYN",
  CUC: "CUP",
  EEK: "EUR",
  HRK: "EUR",
  LTL: "EUR",
  LVL: "EUR",
  MRO: "MRU",
  SKK: "EUR",
  SLL: "SLE",
  STD: "STN",
  VEF: "VES",
  ZWL: "ZWG",
};

/** Why a currency code is refused (null when it is an active ISO 4217 currency). */
export function currencyProblem(code: string): string | null {
  if (ISO_4217_CURRENCIES.has(code)) return null;
  const shown = JSON.stringify(code.slice(0, 10));
  if (!/^[A-Z]{3}$/.test(code)) {
    const upper = code.toUpperCase();
    return ISO_4217_CURRENCIES.has(upper)
      ? `must be an ISO 4217 code in capitals: ${JSON.stringify(upper)}, not ${shown}`
      : `must be an ISO 4217 currency code (three capital letters, e.g. EUR), not ${shown}`;
  }
  if (NON_CURRENCIES[code]) return `${shown} is not a currency: ISO 4217 code ${code} ${NON_CURRENCIES[code]}`;
  if (FUND_CODES[code]) return `${shown} is an ISO 4217 fund code (a unit of account), not a currency to invoice in; use ${FUND_CODES[code]}`;
  if (WITHDRAWN_CURRENCIES[code]) return `${shown} is a withdrawn ISO 4217 currency; use ${WITHDRAWN_CURRENCIES[code]}`;
  return `${shown} is not an active ISO 4217 currency code`;
}

/** ISO 3166-1 alpha-2: the 249 officially assigned codes (reserved, user-assigned and withdrawn codes are refused). */
export const ISO_3166_COUNTRIES: ReadonlySet<string> = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO " +
    "JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR " +
    "MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO " +
    "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV " +
    "TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

/** Codes often sent instead of the ISO 3166-1 one (VAT prefixes, reserved codes), with the right code. */
const COUNTRY_HINTS: Readonly<Record<string, string>> = { UK: "GB", EL: "GR", EU: "a member state's code" };

/** Why a country code is refused (null when it is an assigned ISO 3166-1 alpha-2 code). */
export function countryProblem(code: string): string | null {
  if (ISO_3166_COUNTRIES.has(code)) return null;
  const shown = JSON.stringify(code.slice(0, 10));
  if (!/^[A-Z]{2}$/.test(code)) {
    const upper = code.toUpperCase();
    return ISO_3166_COUNTRIES.has(upper)
      ? `must be an ISO 3166-1 alpha-2 code in capitals: ${JSON.stringify(upper)}, not ${shown}`
      : `must be an ISO 3166-1 alpha-2 country code (two capital letters, e.g. DE), not ${shown}`;
  }
  const hint = COUNTRY_HINTS[code];
  return `${shown} is not an assigned ISO 3166-1 alpha-2 country code${hint ? `; use ${hint}` : ""}`;
}
