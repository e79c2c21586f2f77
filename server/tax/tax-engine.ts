// The tax determination port: what any tax engine (the built-in rules, or later Avalara, Stripe Tax, …) answers for
// one invoice line. The lines stage uses the built-in engine's SQL form (set-based, inside its statement); another
// engine would answer `determine` for the distinct (account, charge) pairs of a chunk before the lines are written.

export const TAX_CLASSES = ["STANDARD", "REDUCED", "ZERO", "EXEMPT", "ELECTRONIC_SERVICE", "GOODS", "GOODS_REDUCED"] as const;
/**
 * What a charge sells, for VAT: a service at the standard or reduced rate, a zero-rated supply, an exempt supply (with
 * its VATEX reason), an electronically supplied service (taxed where the consumer is, under OSS), or goods.
 */
export type TaxClass = (typeof TAX_CLASSES)[number];
export const CUSTOMER_TYPES = ["BUSINESS", "CONSUMER"] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];
export type VatCategoryCode = "S" | "Z" | "E" | "AE" | "K" | "G" | "O" | "L" | "M";

export type TaxSeller = {
  country: string;
  /** registered for the One-Stop-Shop: B2C electronic services and distance sales are taxed at the destination */
  ossRegistered: boolean;
  /** other member states where the seller is registered for VAT itself */
  vatRegistrations: string[];
};

export type TaxInput = {
  buyerCountry: string | null;
  buyerVatId: string | null;
  customerType: CustomerType;
  taxClass: TaxClass;
  /** the charge's own rate: used for the seller's country when the rate table has none (sellers outside the EU) */
  chargeRate: string;
  exemptionCode: string | null;
  exemptionReason: string | null;
};

export type TaxDetermination = {
  /** EN 16931 VAT category (BT-151) */
  category: VatCategoryCode;
  rate: string;
  /** VATEX code (BT-121) and text (BT-120) for categories without VAT */
  exemptionCode: string | null;
  exemptionReason: string | null;
  /** why the VAT could not be determined (the invoice is REJECTED with it); the other fields are then the seller's domestic VAT */
  error: string | null;
};

export interface TaxEngine {
  determine(seller: TaxSeller, taxDate: string, inputs: TaxInput[]): Promise<TaxDetermination[]>;
}

/** VIES (or another registry) confirms a VAT id is registered. Offline installations use `viesOffline`. */
export interface VatIdRegistry {
  /** true / false when the registry answered, null when it could not be asked */
  isRegistered(vatId: string): Promise<boolean | null>;
}

export const viesOffline: VatIdRegistry = { isRegistered: async () => null };

/** VATEX codes (CEF VATEX code list) the built-in rules use, with the text printed next to them. */
export const VATEX_TEXTS: Record<string, string> = {
  "VATEX-EU-AE": "Reverse charge — Article 196 of Council Directive 2006/112/EC",
  "VATEX-EU-IC": "Intra-Community supply — Article 138 of Council Directive 2006/112/EC",
  "VATEX-EU-G": "Export outside the EU — Article 146 of Council Directive 2006/112/EC",
  "VATEX-EU-O": "Not subject to VAT in the EU — place of supply outside the EU VAT area",
  "VATEX-EU-79-C": "Exempt based on article 79, point c of Council Directive 2006/112/EC",
  "VATEX-EU-132": "Exempt based on article 132 of Council Directive 2006/112/EC",
  "VATEX-EU-132-1I": "Exempt based on article 132, section 1 (i) of Council Directive 2006/112/EC (education)",
  "VATEX-EU-135-1B": "Exempt based on article 135, section 1 (b) of Council Directive 2006/112/EC (credit)",
  "VATEX-EU-143": "Exempt based on article 143 of Council Directive 2006/112/EC",
  "VATEX-EU-148": "Exempt based on article 148 of Council Directive 2006/112/EC",
  "VATEX-EU-151": "Exempt based on article 151 of Council Directive 2006/112/EC",
  "VATEX-EU-309": "Exempt based on article 309 of Council Directive 2006/112/EC",
  "VATEX-EU-D": "Intra-Community acquisition from second hand means of transport",
  "VATEX-EU-F": "Intra-Community acquisition of second hand goods",
  "VATEX-EU-I": "Intra-Community acquisition of works of art",
  "VATEX-EU-J": "Intra-Community acquisition of collectors items and antiques",
};
