import Decimal from "decimal.js";
import { toXmlAmount } from "@/lib/money";
import { DomainError } from "@/server/errors";
import {
  isDraftDocument,
  type DocumentLine,
  type DocumentVatBreakdown,
  type InvoiceDocument,
  type VatCategoryCode,
} from "../invoice-document";
import { assertEn16931Currency } from "../ubl/en16931-currency";
import { documentText } from "../i18n";
import { exemptionReasonText } from "../vat-exemption-text";

/**
 * What the three XML flavours (Peppol BIS UBL, XRechnung UBL, CII for Factur-X) share: the EN 16931 facts derived
 * from an InvoiceDocument once, so the UBL and CII writers only differ in syntax.
 */

export type EinvoiceFlavour = "PEPPOL" | "XRECHNUNG" | "CII";

export const PEPPOL_CUSTOMIZATION_ID =
  "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
export const XRECHNUNG_CUSTOMIZATION_ID =
  "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
export const PEPPOL_PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
/** Factur-X / ZUGFeRD profile EN 16931 ("COMFORT") guideline id */
export const CII_GUIDELINE_ID = "urn:cen.eu:en16931:2017";

/** The flavour an account's e-invoice format asks for; an account without a format gets the default, Peppol BIS. */
export function flavourOf(
  format: InvoiceDocument["einvoiceFormat"],
): EinvoiceFlavour {
  return format === "XRECHNUNG"
    ? "XRECHNUNG"
    : format === "FACTURX"
      ? "CII"
      : "PEPPOL";
}

// Categories whose breakdown must carry an exemption reason (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10);
// the others must not carry one (BR-S-10, BR-Z-10).
export const EXEMPTION: Partial<
  Record<VatCategoryCode, { code?: string; text: string }>
> = {
  E: { text: "Exempt from VAT" },
  AE: { code: "VATEX-EU-AE", text: "Reverse charge" },
  K: { code: "VATEX-EU-IC", text: "Intra-community supply" },
  G: { code: "VATEX-EU-G", text: "Export outside the EU" },
  O: { code: "VATEX-EU-O", text: "Not subject to VAT" },
};

export type EinvoiceFacts = {
  credit: boolean;
  number: string;
  currency: string;
  money(v: string | Decimal): string;
  /** BR-O-02 / BR-O-11: a "not subject to VAT" invoice carries no VAT identifiers at all */
  notSubject: boolean;
  breakdown: DocumentVatBreakdown[];
  period: { start: string; end: string } | null;
  lineTotal: string;
  /** BG-16 is written for an invoice (credit transfer to the seller's IBAN); a credit note requests no payment */
  payment: { iban: string; bic: string | null; accountName: string } | null;
  /** a credit note where the rules demand payment instructions anyway (XRechnung BR-DE-1, Peppol DE-R-001) */
  refundInstructions: boolean;
  paymentTerms: string | null;
  /** BT-82 in the buyer's language */
  paymentMeansText: { creditTransfer: string; refund: string };
  /** BT-22: why a correction credit note was issued and the run's / invoice's memo, in the buyer's language */
  note: string | null;
  lines: Array<DocumentLine & { price: string }>;
};

/** Drafts get no e-invoice: an XML with a made-up number would be accepted like a real one by a receiving system. */
export function assertEinvoicePossible(doc: InvoiceDocument): void {
  if (isDraftDocument(doc)) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `No e-invoice XML for a ${doc.status.toLowerCase()} ${doc.type === "CREDIT_NOTE" ? "credit note" : "invoice"}: only posted documents have one (its PDF preview is available)`,
    );
  }
  assertEn16931Currency(
    doc.currency,
    `${doc.type === "CREDIT_NOTE" ? "credit note" : "invoice"} ${doc.number}`,
  );
}

export function einvoiceFacts(
  doc: InvoiceDocument,
  flavour: EinvoiceFlavour,
): EinvoiceFacts {
  assertEinvoicePossible(doc);
  const credit = doc.type === "CREDIT_NOTE";
  const cur = doc.currency;
  const bothDe =
    doc.seller.country.trim().toUpperCase() === "DE" &&
    doc.buyer.country?.trim().toUpperCase() === "DE";
  const iban = doc.seller.iban?.replace(/\s+/g, "") || null;
  return {
    credit,
    number: doc.number!,
    currency: cur,
    money: (v) => toXmlAmount(v, cur),
    notSubject:
      doc.vatBreakdown.some((b) => b.vatCategory === "O") ||
      doc.lines.some((l) => l.vatCategory === "O"),
    breakdown: (doc.vatBreakdown.length > 0 ? doc.vatBreakdown : breakdownFromLines(doc)).map((b) => ({
      ...b,
      exemptionReason: exemptionReasonText(b, doc.language),
    })),
    paymentMeansText: {
      creditTransfer: documentText(doc.language, "xml.paymentMeans.creditTransfer"),
      refund: documentText(doc.language, "xml.paymentMeans.refund"),
    },
    period: invoicePeriod(doc.lines),
    lineTotal: toXmlAmount(
      doc.lines.reduce(
        (s, l) => s.plus(toXmlAmount(l.amount, cur)),
        new Decimal(0),
      ),
      cur,
    ),
    payment:
      !credit && iban
        ? { iban, bic: doc.seller.bic, accountName: doc.seller.legalName }
        : null,
    refundInstructions: credit && (flavour === "XRECHNUNG" || bothDe),
    paymentTerms:
      !credit && doc.seller.paymentTerms.trim()
        ? doc.seller.paymentTerms.trim()
        : null,
    note:
      [doc.creditReason ? documentText(doc.language, "document.creditReason", { reason: doc.creditReason }) : null, doc.memo]
        .filter(Boolean)
        .join("\n") || null,
    lines: doc.lines.map((l) => {
      const { quantity, price } = priceAndQuantity(l);
      return { ...l, quantity, price };
    }),
  };
}

/** "20.00" → "20", "0.500" → "0.5": exact, no exponent notation. */
export function plainDecimal(v: string | Decimal): string {
  return new Decimal(v).toFixed();
}

/** BR-27: the item net price is never negative, so a negative line gets a negative quantity instead. */
function priceAndQuantity(line: DocumentLine): {
  quantity: string;
  price: string;
} {
  let quantity = new Decimal(line.quantity);
  let price: Decimal;
  if (line.unitPrice !== null) price = new Decimal(line.unitPrice);
  else if (!quantity.isZero())
    price = new Decimal(line.amount)
      .div(quantity)
      .toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
  else price = new Decimal(line.amount).abs();
  if (price.isNegative()) {
    price = price.negated();
    quantity = quantity.negated();
  }
  return { quantity: plainDecimal(quantity), price: plainDecimal(price) };
}

function invoicePeriod(
  lines: DocumentLine[],
): { start: string; end: string } | null {
  if (lines.length === 0) return null;
  let start = lines[0].periodStart;
  let end = lines[0].periodEnd;
  for (const l of lines) {
    if (l.periodStart < start) start = l.periodStart;
    if (l.periodEnd > end) end = l.periodEnd;
  }
  return { start, end };
}

/** Only for documents without a stored breakdown: group lines by category + rate (EN 16931 BG-23). */
function breakdownFromLines(doc: InvoiceDocument): DocumentVatBreakdown[] {
  const groups = new Map<string, DocumentVatBreakdown>();
  for (const l of doc.lines) {
    const key = `${l.vatCategory}|${plainDecimal(l.vatRate)}`;
    const g = groups.get(key) ?? {
      vatCategory: l.vatCategory,
      vatRate: l.vatRate,
      taxableAmount: "0",
      taxAmount: "0",
      exemptionReason: null,
      exemptionReasonCode: null,
    };
    g.taxableAmount = new Decimal(g.taxableAmount)
      .plus(toXmlAmount(l.amount, doc.currency))
      .toFixed();
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    g.taxAmount = toXmlAmount(
      new Decimal(g.taxableAmount).times(g.vatRate).div(100),
      doc.currency,
    );
  }
  if (groups.size === 0) {
    groups.set("Z", {
      vatCategory: "Z",
      vatRate: "0",
      taxableAmount: "0",
      taxAmount: "0",
      exemptionReason: null,
      exemptionReasonCode: null,
    });
  }
  return [...groups.values()];
}
