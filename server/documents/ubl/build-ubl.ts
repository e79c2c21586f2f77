import type { InvoiceDocument, VatCategoryCode } from "../invoice-document";
import {
  EXEMPTION,
  PEPPOL_CUSTOMIZATION_ID,
  PEPPOL_PROFILE_ID,
  XRECHNUNG_CUSTOMIZATION_ID,
  einvoiceFacts,
  plainDecimal,
} from "../einvoice/einvoice-model";
import { XmlWriter } from "./xml-writer";

export type UblFlavour = "PEPPOL" | "XRECHNUNG";

const NS_CAC =
  "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC =
  "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/**
 * UBL 2.1 Invoice (or CreditNote) following EN 16931 in one of two flavours: Peppol BIS Billing 3.0 (default) or
 * XRechnung 3.0 (the German CIUS: its CustomizationID, payment instructions on every document). Element order follows
 * the UBL 2.1 XSD sequences. Amounts come in document sign (credit notes positive). Refuses (PRECONDITION_FAILED) drafts
 * and currencies with more than 2 decimals.
 */
export function buildUblXml(
  doc: InvoiceDocument,
  flavour: UblFlavour = "PEPPOL",
): string {
  const f = einvoiceFacts(doc, flavour);
  const root = f.credit ? "CreditNote" : "Invoice";
  const amountAttr = { currencyID: f.currency };
  const w = new XmlWriter();

  w.open(root, {
    xmlns: `urn:oasis:names:specification:ubl:schema:xsd:${root}-2`,
    "xmlns:cac": NS_CAC,
    "xmlns:cbc": NS_CBC,
  });
  w.leaf(
    "cbc:CustomizationID",
    flavour === "XRECHNUNG"
      ? XRECHNUNG_CUSTOMIZATION_ID
      : PEPPOL_CUSTOMIZATION_ID,
  );
  w.leaf("cbc:ProfileID", PEPPOL_PROFILE_ID);
  w.leaf("cbc:ID", f.number);
  w.leaf("cbc:IssueDate", doc.invoiceDate);
  if (!f.credit) w.leaf("cbc:DueDate", doc.dueDate);
  w.leaf(
    f.credit ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode",
    f.credit ? "381" : "380",
  );
  if (f.note) w.leaf("cbc:Note", f.note);
  w.leaf("cbc:DocumentCurrencyCode", f.currency);
  if (doc.vatAccounting)
    w.leaf("cbc:TaxCurrencyCode", doc.vatAccounting.currency);
  w.leaf("cbc:BuyerReference", doc.buyerReference);
  if (f.period) {
    w.group("cac:InvoicePeriod", () => {
      w.leaf("cbc:StartDate", f.period!.start);
      w.leaf("cbc:EndDate", f.period!.end);
    });
  }
  if (doc.purchaseOrderReference?.trim())
    w.group("cac:OrderReference", () =>
      w.leaf("cbc:ID", doc.purchaseOrderReference),
    );
  if (doc.precedingInvoice) {
    w.group("cac:BillingReference", () =>
      w.group("cac:InvoiceDocumentReference", () => {
        w.leaf("cbc:ID", doc.precedingInvoice!.number);
        w.leaf("cbc:IssueDate", doc.precedingInvoice!.issueDate);
      }),
    );
  }

  w.group("cac:AccountingSupplierParty", () =>
    w.group("cac:Party", () => {
      const s = doc.seller;
      if (s.electronicAddress && s.electronicAddressScheme) {
        w.leaf("cbc:EndpointID", s.electronicAddress, {
          schemeID: s.electronicAddressScheme,
        });
      }
      // without the VAT id (BR-O-02) the seller still needs an identifier (BR-CO-26)
      if (f.notSubject)
        w.group("cac:PartyIdentification", () => w.leaf("cbc:ID", s.vatId));
      w.group("cac:PartyName", () => w.leaf("cbc:Name", s.legalName));
      address(w, s.addressLine, s.city, s.postalCode, s.country);
      if (!f.notSubject) partyTaxScheme(w, s.vatId);
      w.group("cac:PartyLegalEntity", () =>
        w.leaf("cbc:RegistrationName", s.legalName),
      );
      const email = s.contactEmail || s.email;
      if (s.contactName || s.contactPhone || email) {
        w.group("cac:Contact", () => {
          w.leaf("cbc:Name", s.contactName);
          w.leaf("cbc:Telephone", s.contactPhone);
          w.leaf("cbc:ElectronicMail", email);
        });
      }
    }),
  );

  w.group("cac:AccountingCustomerParty", () =>
    w.group("cac:Party", () => {
      const b = doc.buyer;
      if (b.electronicAddress && b.electronicAddressScheme) {
        w.leaf("cbc:EndpointID", b.electronicAddress, {
          schemeID: b.electronicAddressScheme,
        });
      }
      w.group("cac:PartyName", () => w.leaf("cbc:Name", b.name));
      address(w, b.addressLine, b.city, b.postalCode, b.country);
      if (b.vatId && !f.notSubject) partyTaxScheme(w, b.vatId);
      w.group("cac:PartyLegalEntity", () =>
        w.leaf("cbc:RegistrationName", b.name),
      );
      if (b.email)
        w.group("cac:Contact", () => w.leaf("cbc:ElectronicMail", b.email));
    }),
  );

  // BR-IC-12: intra-community supply needs the deliver-to country (the buyer's address; BR-DE-10/11: with city and post code)
  if (f.breakdown.some((b) => b.vatCategory === "K") && doc.buyer.country) {
    const b = doc.buyer;
    w.group("cac:Delivery", () =>
      w.group("cac:DeliveryLocation", () =>
        address(
          w,
          b.addressLine,
          b.city,
          b.postalCode,
          b.country,
          "cac:Address",
        ),
      ),
    );
  }

  if (f.payment) {
    w.group("cac:PaymentMeans", () => {
      w.leaf("cbc:PaymentMeansCode", "30", { name: f.paymentMeansText.creditTransfer });
      w.leaf("cbc:PaymentID", f.number);
      w.group("cac:PayeeFinancialAccount", () => {
        w.leaf("cbc:ID", f.payment!.iban);
        w.leaf("cbc:Name", f.payment!.accountName);
        if (f.payment!.bic)
          w.group("cac:FinancialInstitutionBranch", () =>
            w.leaf("cbc:ID", f.payment!.bic),
          );
      });
    });
  } else if (f.refundInstructions) {
    // A credit note is refunded, not paid: where the rules demand payment instructions, say "not defined" (UNCL4461 1).
    w.group("cac:PaymentMeans", () => {
      w.leaf("cbc:PaymentMeansCode", "1", { name: f.paymentMeansText.refund });
      w.leaf("cbc:PaymentID", f.number);
    });
  }
  if (f.paymentTerms)
    w.group("cac:PaymentTerms", () => w.leaf("cbc:Note", f.paymentTerms));

  w.group("cac:TaxTotal", () => {
    w.leaf("cbc:TaxAmount", f.money(doc.taxTotal), amountAttr);
    for (const b of f.breakdown) {
      w.group("cac:TaxSubtotal", () => {
        w.leaf("cbc:TaxableAmount", f.money(b.taxableAmount), amountAttr);
        w.leaf("cbc:TaxAmount", f.money(b.taxAmount), amountAttr);
        taxCategory(
          w,
          "cac:TaxCategory",
          b.vatCategory,
          b.vatRate,
          b.exemptionReason,
          true,
          b.exemptionReasonCode,
        );
      });
    }
  });
  // BT-111: the VAT total in the seller's VAT accounting currency (BR-53), without a breakdown (PEPPOL-EN16931-R054)
  if (doc.vatAccounting) {
    w.group("cac:TaxTotal", () =>
      w.leaf("cbc:TaxAmount", doc.vatAccounting!.taxTotal, {
        currencyID: doc.vatAccounting!.currency,
      }),
    );
  }

  w.group("cac:LegalMonetaryTotal", () => {
    w.leaf("cbc:LineExtensionAmount", f.lineTotal, amountAttr);
    w.leaf("cbc:TaxExclusiveAmount", f.money(doc.netTotal), amountAttr);
    w.leaf("cbc:TaxInclusiveAmount", f.money(doc.grossTotal), amountAttr);
    w.leaf("cbc:PayableAmount", f.money(doc.grossTotal), amountAttr);
  });

  const lineTag = f.credit ? "cac:CreditNoteLine" : "cac:InvoiceLine";
  const qtyTag = f.credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity";
  f.lines.forEach((line, i) => {
    w.group(lineTag, () => {
      w.leaf("cbc:ID", String(i + 1));
      // C62 = "one" (UN/ECE rec 20): billed quantities are unit-less counts
      w.leaf(qtyTag, line.quantity, { unitCode: "C62" });
      w.leaf("cbc:LineExtensionAmount", f.money(line.amount), amountAttr);
      w.group("cac:InvoicePeriod", () => {
        w.leaf("cbc:StartDate", line.periodStart);
        w.leaf("cbc:EndDate", line.periodEnd);
      });
      w.group("cac:Item", () => {
        w.leaf("cbc:Name", line.description || "Item");
        taxCategory(
          w,
          "cac:ClassifiedTaxCategory",
          line.vatCategory,
          line.vatRate,
          null,
          false,
        );
      });
      w.group("cac:Price", () =>
        w.leaf("cbc:PriceAmount", line.price, amountAttr),
      );
    });
  });

  w.close(root);
  return w.toString();
}

function address(
  w: XmlWriter,
  street: string | null,
  city: string | null,
  postalCode: string | null,
  country: string | null,
  tag = "cac:PostalAddress",
) {
  w.group(tag, () => {
    w.leaf("cbc:StreetName", street);
    w.leaf("cbc:CityName", city);
    w.leaf("cbc:PostalZone", postalCode);
    if (country?.trim())
      w.group("cac:Country", () =>
        w.leaf("cbc:IdentificationCode", country.trim().toUpperCase()),
      );
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
  /** the VATEX code the tax determination stored (BT-121); the category's default otherwise */
  reasonCode: string | null = null,
) {
  w.group(tag, () => {
    w.leaf("cbc:ID", category);
    // BR-O-05: no rate on a "not subject to VAT" line; its breakdown states 0 (XRechnung BR-DE-14 wants a rate there)
    if (category !== "O") w.leaf("cbc:Percent", plainDecimal(rate));
    else if (withExemption) w.leaf("cbc:Percent", "0");
    const exemption = EXEMPTION[category];
    if (withExemption && exemption) {
      w.leaf("cbc:TaxExemptionReasonCode", reasonCode ?? exemption.code);
      w.leaf("cbc:TaxExemptionReason", reason?.trim() || exemption.text);
    }
    w.group("cac:TaxScheme", () => w.leaf("cbc:ID", "VAT"));
  });
}
