import Decimal from "decimal.js";
import { sumAmounts, toXmlAmount } from "@/lib/money";
import {
  isDraftDocument,
  type DocumentLine,
  type DocumentVatBreakdown,
  type InvoiceDocument,
  type VatCategoryCode,
} from "../invoice-document";
import { assertEn16931Currency } from "./en16931-currency";
import { XmlWriter } from "./xml-writer";

export const CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
export const PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

const NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

// Categories whose breakdown must carry an exemption reason (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10);
// the others must not carry one (BR-S-10, BR-Z-10).
const EXEMPTION: Partial<Record<VatCategoryCode, { code?: string; text: string }>> = {
  E: { text: "Exempt from VAT" },
  AE: { code: "VATEX-EU-AE", text: "Reverse charge" },
  K: { code: "VATEX-EU-IC", text: "Intra-community supply" },
  G: { code: "VATEX-EU-G", text: "Export outside the EU" },
  O: { code: "VATEX-EU-O", text: "Not subject to VAT" },
};

/**
 * UBL 2.1 Invoice (or CreditNote) following EN 16931, Peppol BIS Billing 3.0 profile.
 * Element order follows the UBL 2.1 XSD sequences. Amounts come in document sign (credit notes positive).
 * Refuses (PRECONDITION_FAILED) a currency with more than 2 decimals: EN 16931 cannot express its amounts.
 */
export function buildUblXml(doc: InvoiceDocument): string {
  assertEn16931Currency(doc.currency, isDraftDocument(doc) ? `draft ${doc.id}` : `${doc.type === "CREDIT_NOTE" ? "credit note" : "invoice"} ${doc.number}`);
  const credit = doc.type === "CREDIT_NOTE";
  const root = credit ? "CreditNote" : "Invoice";
  const cur = doc.currency;
  const money = (v: string | Decimal) => toXmlAmount(v, cur);
  const amountAttr = { currencyID: cur };
  // BR-O-02 / BR-O-11: a "not subject to VAT" invoice carries no VAT identifiers at all
  const notSubject = doc.vatBreakdown.some((b) => b.vatCategory === "O") || doc.lines.some((l) => l.vatCategory === "O");
  const breakdown = doc.vatBreakdown.length > 0 ? doc.vatBreakdown : breakdownFromLines(doc);
  const period = invoicePeriod(doc.lines);
  const w = new XmlWriter();

  w.open(root, { xmlns: `urn:oasis:names:specification:ubl:schema:xsd:${root}-2`, "xmlns:cac": NS_CAC, "xmlns:cbc": NS_CBC });
  w.leaf("cbc:CustomizationID", CUSTOMIZATION_ID);
  w.leaf("cbc:ProfileID", PROFILE_ID);
  w.leaf("cbc:ID", isDraftDocument(doc) ? `DRAFT-${doc.id}` : doc.number);
  w.leaf("cbc:IssueDate", doc.invoiceDate);
  if (!credit) w.leaf("cbc:DueDate", doc.dueDate);
  w.leaf(credit ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", credit ? "381" : "380");
  if (isDraftDocument(doc)) w.leaf("cbc:Note", `DRAFT (status ${doc.status}): not a valid ${credit ? "credit note" : "invoice"}`);
  w.leaf("cbc:DocumentCurrencyCode", cur);
  if (period) {
    w.group("cac:InvoicePeriod", () => {
      w.leaf("cbc:StartDate", period.start);
      w.leaf("cbc:EndDate", period.end);
    });
  }

  w.group("cac:AccountingSupplierParty", () =>
    w.group("cac:Party", () => {
      const s = doc.seller;
      if (s.electronicAddress && s.electronicAddressScheme) {
        w.leaf("cbc:EndpointID", s.electronicAddress, { schemeID: s.electronicAddressScheme });
      }
      // without the VAT id (BR-O-02) the seller still needs an identifier (BR-CO-26)
      if (notSubject) w.group("cac:PartyIdentification", () => w.leaf("cbc:ID", s.vatId));
      w.group("cac:PartyName", () => w.leaf("cbc:Name", s.legalName));
      address(w, s.addressLine, s.city, s.postalCode, s.country);
      if (!notSubject) partyTaxScheme(w, s.vatId);
      w.group("cac:PartyLegalEntity", () => w.leaf("cbc:RegistrationName", s.legalName));
      if (s.email) w.group("cac:Contact", () => w.leaf("cbc:ElectronicMail", s.email));
    }),
  );

  w.group("cac:AccountingCustomerParty", () =>
    w.group("cac:Party", () => {
      const b = doc.buyer;
      if (b.electronicAddress && b.electronicAddressScheme) {
        w.leaf("cbc:EndpointID", b.electronicAddress, { schemeID: b.electronicAddressScheme });
      } else if (b.email) {
        w.leaf("cbc:EndpointID", b.email, { schemeID: "EM" });
      }
      w.group("cac:PartyName", () => w.leaf("cbc:Name", b.name));
      address(w, b.addressLine, b.city, b.postalCode, b.country);
      if (b.vatId && !notSubject) partyTaxScheme(w, b.vatId);
      w.group("cac:PartyLegalEntity", () => w.leaf("cbc:RegistrationName", b.name));
      if (b.email) w.group("cac:Contact", () => w.leaf("cbc:ElectronicMail", b.email));
    }),
  );

  // BR-IC-12: intra-community supply needs the deliver-to country
  if (breakdown.some((b) => b.vatCategory === "K") && doc.buyer.country) {
    w.group("cac:Delivery", () =>
      w.group("cac:DeliveryLocation", () =>
        w.group("cac:Address", () => w.group("cac:Country", () => w.leaf("cbc:IdentificationCode", doc.buyer.country))),
      ),
    );
  }

  // The seller's account is where an invoice is paid; a credit note is refunded, so it names no account.
  if (!credit && doc.seller.iban) {
    w.group("cac:PaymentMeans", () => {
      w.leaf("cbc:PaymentMeansCode", "30", { name: "Credit transfer" });
      if (!isDraftDocument(doc)) w.leaf("cbc:PaymentID", doc.number);
      w.group("cac:PayeeFinancialAccount", () => {
        w.leaf("cbc:ID", doc.seller.iban!.replace(/\s+/g, ""));
        w.leaf("cbc:Name", doc.seller.legalName);
        if (doc.seller.bic) w.group("cac:FinancialInstitutionBranch", () => w.leaf("cbc:ID", doc.seller.bic));
      });
    });
  }
  if (doc.seller.paymentTerms.trim()) {
    w.group("cac:PaymentTerms", () => w.leaf("cbc:Note", doc.seller.paymentTerms));
  }

  w.group("cac:TaxTotal", () => {
    w.leaf("cbc:TaxAmount", money(doc.taxTotal), amountAttr);
    for (const b of breakdown) {
      w.group("cac:TaxSubtotal", () => {
        w.leaf("cbc:TaxableAmount", money(b.taxableAmount), amountAttr);
        w.leaf("cbc:TaxAmount", money(b.taxAmount), amountAttr);
        taxCategory(w, "cac:TaxCategory", b.vatCategory, b.vatRate, b.exemptionReason, true);
      });
    }
  });

  w.group("cac:LegalMonetaryTotal", () => {
    w.leaf("cbc:LineExtensionAmount", money(sumAmounts(doc.lines.map((l) => toXmlAmount(l.amount, cur)))), amountAttr);
    w.leaf("cbc:TaxExclusiveAmount", money(doc.netTotal), amountAttr);
    w.leaf("cbc:TaxInclusiveAmount", money(doc.grossTotal), amountAttr);
    w.leaf("cbc:PayableAmount", money(doc.grossTotal), amountAttr);
  });

  const lineTag = credit ? "cac:CreditNoteLine" : "cac:InvoiceLine";
  const qtyTag = credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity";
  doc.lines.forEach((line, i) => {
    const { quantity, price } = priceAndQuantity(line);
    w.group(lineTag, () => {
      w.leaf("cbc:ID", String(i + 1));
      // C62 = "one" (UN/ECE rec 20): billed quantities are unit-less counts
      w.leaf(qtyTag, quantity, { unitCode: "C62" });
      w.leaf("cbc:LineExtensionAmount", money(line.amount), amountAttr);
      w.group("cac:InvoicePeriod", () => {
        w.leaf("cbc:StartDate", line.periodStart);
        w.leaf("cbc:EndDate", line.periodEnd);
      });
      w.group("cac:Item", () => {
        w.leaf("cbc:Name", line.description || "Item");
        taxCategory(w, "cac:ClassifiedTaxCategory", line.vatCategory, line.vatRate, null, false);
      });
      w.group("cac:Price", () => w.leaf("cbc:PriceAmount", price, amountAttr));
    });
  });

  w.close(root);
  return w.toString();
}

function address(w: XmlWriter, street: string | null, city: string | null, postalCode: string | null, country: string | null) {
  w.group("cac:PostalAddress", () => {
    w.leaf("cbc:StreetName", street);
    w.leaf("cbc:CityName", city);
    w.leaf("cbc:PostalZone", postalCode);
    if (country?.trim()) w.group("cac:Country", () => w.leaf("cbc:IdentificationCode", country.trim().toUpperCase()));
  });
}

function partyTaxScheme(w: XmlWriter, vatId: string) {
  w.group("cac:PartyTaxScheme", () => {
    w.leaf("cbc:CompanyID", vatId);
    w.group("cac:TaxScheme", () => w.leaf("cbc:ID", "VAT"));
  });
}

function taxCategory(
  w: XmlWriter,
  tag: string,
  category: VatCategoryCode,
  rate: string,
  reason: string | null,
  withExemption: boolean,
) {
  w.group(tag, () => {
    w.leaf("cbc:ID", category);
    // BR-O-05 / BR-O-14: no rate at all for "not subject to VAT"
    if (category !== "O") w.leaf("cbc:Percent", plainDecimal(rate));
    const exemption = EXEMPTION[category];
    if (withExemption && exemption) {
      w.leaf("cbc:TaxExemptionReasonCode", exemption.code);
      w.leaf("cbc:TaxExemptionReason", reason?.trim() || exemption.text);
    }
    w.group("cac:TaxScheme", () => w.leaf("cbc:ID", "VAT"));
  });
}

/** "20.00" → "20", "0.500" → "0.5": exact, no exponent notation. */
function plainDecimal(v: string | Decimal): string {
  return new Decimal(v).toFixed();
}

/** BR-27: the item net price is never negative, so a negative line gets a negative quantity instead. */
function priceAndQuantity(line: DocumentLine): { quantity: string; price: string } {
  let quantity = new Decimal(line.quantity);
  let price: Decimal;
  if (line.unitPrice !== null) price = new Decimal(line.unitPrice);
  else if (!quantity.isZero()) price = new Decimal(line.amount).div(quantity).toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
  else price = new Decimal(line.amount).abs();
  if (price.isNegative()) {
    price = price.negated();
    quantity = quantity.negated();
  }
  return { quantity: plainDecimal(quantity), price: plainDecimal(price) };
}

function invoicePeriod(lines: DocumentLine[]): { start: string; end: string } | null {
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
    const g = groups.get(key) ?? { vatCategory: l.vatCategory, vatRate: l.vatRate, taxableAmount: "0", taxAmount: "0", exemptionReason: null, exemptionReasonCode: null };
    g.taxableAmount = new Decimal(g.taxableAmount).plus(toXmlAmount(l.amount, doc.currency)).toFixed();
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    g.taxAmount = toXmlAmount(new Decimal(g.taxableAmount).times(g.vatRate).div(100), doc.currency);
  }
  if (groups.size === 0) {
    groups.set("Z", { vatCategory: "Z", vatRate: "0", taxableAmount: "0", taxAmount: "0", exemptionReason: null, exemptionReasonCode: null });
  }
  return [...groups.values()];
}
