import type { InvoiceDocument } from "../invoice-document";
import {
  CII_GUIDELINE_ID,
  EXEMPTION,
  PEPPOL_PROFILE_ID,
  einvoiceFacts,
  plainDecimal,
} from "../einvoice/einvoice-model";
import { XmlWriter } from "../ubl/xml-writer";

const NS = {
  "xmlns:rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
  "xmlns:ram":
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
  "xmlns:udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
  "xmlns:qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
};

/** 2026-11-01 → 20261101 (CII date format 102) */
const date102 = (isoDate: string) => isoDate.replaceAll("-", "");

/**
 * UN/CEFACT CII D16B CrossIndustryInvoice following EN 16931 (the XML Factur-X / ZUGFeRD embed in the PDF, profile
 * EN 16931). Same facts as the UBL flavours (einvoice-model.ts); element order follows the D16B XSD sequences.
 */
export function buildCiiXml(doc: InvoiceDocument): string {
  const f = einvoiceFacts(doc, "CII");
  const w = new XmlWriter();
  const dateTime = (tag: string, isoDate: string, prefix = "udt") =>
    w.group(tag, () =>
      w.leaf(`${prefix}:DateTimeString`, date102(isoDate), { format: "102" }),
    );

  w.open("rsm:CrossIndustryInvoice", NS);
  w.group("rsm:ExchangedDocumentContext", () => {
    w.group("ram:BusinessProcessSpecifiedDocumentContextParameter", () =>
      w.leaf("ram:ID", PEPPOL_PROFILE_ID),
    );
    w.group("ram:GuidelineSpecifiedDocumentContextParameter", () =>
      w.leaf("ram:ID", CII_GUIDELINE_ID),
    );
  });
  w.group("rsm:ExchangedDocument", () => {
    w.leaf("ram:ID", f.number);
    w.leaf("ram:TypeCode", f.credit ? "381" : "380");
    dateTime("ram:IssueDateTime", doc.invoiceDate);
    if (f.note) w.group("ram:IncludedNote", () => w.leaf("ram:Content", f.note));
  });

  w.group("rsm:SupplyChainTradeTransaction", () => {
    f.lines.forEach((line, i) => {
      w.group("ram:IncludedSupplyChainTradeLineItem", () => {
        w.group("ram:AssociatedDocumentLineDocument", () =>
          w.leaf("ram:LineID", String(i + 1)),
        );
        w.group("ram:SpecifiedTradeProduct", () =>
          w.leaf("ram:Name", line.description || "Item"),
        );
        w.group("ram:SpecifiedLineTradeAgreement", () =>
          w.group("ram:NetPriceProductTradePrice", () =>
            w.leaf("ram:ChargeAmount", line.price),
          ),
        );
        // C62 = "one" (UN/ECE rec 20): billed quantities are unit-less counts
        w.group("ram:SpecifiedLineTradeDelivery", () =>
          w.leaf("ram:BilledQuantity", line.quantity, { unitCode: "C62" }),
        );
        w.group("ram:SpecifiedLineTradeSettlement", () => {
          w.group("ram:ApplicableTradeTax", () => {
            w.leaf("ram:TypeCode", "VAT");
            w.leaf("ram:CategoryCode", line.vatCategory);
            if (line.vatCategory !== "O")
              w.leaf("ram:RateApplicablePercent", plainDecimal(line.vatRate));
          });
          w.group("ram:BillingSpecifiedPeriod", () => {
            dateTime("ram:StartDateTime", line.periodStart);
            dateTime("ram:EndDateTime", line.periodEnd);
          });
          w.group("ram:SpecifiedTradeSettlementLineMonetarySummation", () =>
            w.leaf("ram:LineTotalAmount", f.money(line.amount)),
          );
        });
      });
    });

    w.group("ram:ApplicableHeaderTradeAgreement", () => {
      w.leaf("ram:BuyerReference", doc.buyerReference);
      const s = doc.seller;
      w.group("ram:SellerTradeParty", () => {
        // without the VAT id (BR-O-02) the seller still needs an identifier (BR-CO-26)
        if (f.notSubject) w.leaf("ram:ID", s.vatId);
        w.leaf("ram:Name", s.legalName);
        const email = s.contactEmail || s.email;
        if (s.contactName || s.contactPhone || email) {
          w.group("ram:DefinedTradeContact", () => {
            w.leaf("ram:PersonName", s.contactName);
            if (s.contactPhone)
              w.group("ram:TelephoneUniversalCommunication", () =>
                w.leaf("ram:CompleteNumber", s.contactPhone),
              );
            if (email)
              w.group("ram:EmailURIUniversalCommunication", () =>
                w.leaf("ram:URIID", email),
              );
          });
        }
        address(w, s.addressLine, s.city, s.postalCode, s.country);
        if (s.electronicAddress && s.electronicAddressScheme) {
          w.group("ram:URIUniversalCommunication", () =>
            w.leaf("ram:URIID", s.electronicAddress, {
              schemeID: s.electronicAddressScheme!,
            }),
          );
        }
        if (!f.notSubject)
          w.group("ram:SpecifiedTaxRegistration", () =>
            w.leaf("ram:ID", s.vatId, { schemeID: "VA" }),
          );
      });
      const b = doc.buyer;
      w.group("ram:BuyerTradeParty", () => {
        w.leaf("ram:Name", b.name);
        if (b.email)
          w.group("ram:DefinedTradeContact", () =>
            w.group("ram:EmailURIUniversalCommunication", () =>
              w.leaf("ram:URIID", b.email),
            ),
          );
        address(w, b.addressLine, b.city, b.postalCode, b.country);
        if (b.electronicAddress && b.electronicAddressScheme) {
          w.group("ram:URIUniversalCommunication", () =>
            w.leaf("ram:URIID", b.electronicAddress, {
              schemeID: b.electronicAddressScheme!,
            }),
          );
        }
        if (b.vatId && !f.notSubject)
          w.group("ram:SpecifiedTaxRegistration", () =>
            w.leaf("ram:ID", b.vatId, { schemeID: "VA" }),
          );
      });
      if (doc.purchaseOrderReference?.trim()) {
        w.group("ram:BuyerOrderReferencedDocument", () =>
          w.leaf("ram:IssuerAssignedID", doc.purchaseOrderReference),
        );
      }
    });

    w.group("ram:ApplicableHeaderTradeDelivery", () => {
      // BR-IC-12: intra-community supply needs the deliver-to country
      if (f.breakdown.some((x) => x.vatCategory === "K") && doc.buyer.country) {
        const b = doc.buyer;
        w.group("ram:ShipToTradeParty", () =>
          address(w, b.addressLine, b.city, b.postalCode, b.country),
        );
      }
    });

    w.group("ram:ApplicableHeaderTradeSettlement", () => {
      if (f.payment || f.refundInstructions)
        w.leaf("ram:PaymentReference", f.number);
      if (doc.vatAccounting)
        w.leaf("ram:TaxCurrencyCode", doc.vatAccounting.currency);
      w.leaf("ram:InvoiceCurrencyCode", f.currency);
      if (f.payment) {
        w.group("ram:SpecifiedTradeSettlementPaymentMeans", () => {
          w.leaf("ram:TypeCode", "30");
          w.group("ram:PayeePartyCreditorFinancialAccount", () => {
            w.leaf("ram:IBANID", f.payment!.iban);
            w.leaf("ram:AccountName", f.payment!.accountName);
          });
          if (f.payment!.bic)
            w.group("ram:PayeeSpecifiedCreditorFinancialInstitution", () =>
              w.leaf("ram:BICID", f.payment!.bic),
            );
        });
      } else if (f.refundInstructions) {
        w.group("ram:SpecifiedTradeSettlementPaymentMeans", () =>
          w.leaf("ram:TypeCode", "1"),
        );
      }
      for (const t of f.breakdown) {
        const exemption = EXEMPTION[t.vatCategory];
        w.group("ram:ApplicableTradeTax", () => {
          w.leaf("ram:CalculatedAmount", f.money(t.taxAmount));
          w.leaf("ram:TypeCode", "VAT");
          if (exemption)
            w.leaf(
              "ram:ExemptionReason",
              t.exemptionReason?.trim() || exemption.text,
            );
          w.leaf("ram:BasisAmount", f.money(t.taxableAmount));
          w.leaf("ram:CategoryCode", t.vatCategory);
          if (exemption) w.leaf("ram:ExemptionReasonCode", t.exemptionReasonCode ?? exemption.code);
          if (t.vatCategory !== "O")
            w.leaf("ram:RateApplicablePercent", plainDecimal(t.vatRate));
        });
      }
      if (f.period) {
        w.group("ram:BillingSpecifiedPeriod", () => {
          dateTime("ram:StartDateTime", f.period!.start);
          dateTime("ram:EndDateTime", f.period!.end);
        });
      }
      if (!f.credit) {
        w.group("ram:SpecifiedTradePaymentTerms", () => {
          w.leaf("ram:Description", f.paymentTerms);
          dateTime("ram:DueDateDateTime", doc.dueDate);
        });
      }
      w.group("ram:SpecifiedTradeSettlementHeaderMonetarySummation", () => {
        w.leaf("ram:LineTotalAmount", f.lineTotal);
        w.leaf("ram:TaxBasisTotalAmount", f.money(doc.netTotal));
        w.leaf("ram:TaxTotalAmount", f.money(doc.taxTotal), {
          currencyID: f.currency,
        });
        // BT-111: the VAT total in the seller's VAT accounting currency (BR-53)
        if (doc.vatAccounting)
          w.leaf("ram:TaxTotalAmount", doc.vatAccounting.taxTotal, {
            currencyID: doc.vatAccounting.currency,
          });
        w.leaf("ram:GrandTotalAmount", f.money(doc.grossTotal));
        w.leaf("ram:DuePayableAmount", f.money(doc.grossTotal));
      });
      if (doc.precedingInvoice) {
        w.group("ram:InvoiceReferencedDocument", () => {
          w.leaf("ram:IssuerAssignedID", doc.precedingInvoice!.number);
          dateTime(
            "ram:FormattedIssueDateTime",
            doc.precedingInvoice!.issueDate,
            "qdt",
          );
        });
      }
    });
  });
  w.close("rsm:CrossIndustryInvoice");
  return w.toString();
}

function address(
  w: XmlWriter,
  street: string | null,
  city: string | null,
  postalCode: string | null,
  country: string | null,
) {
  w.group("ram:PostalTradeAddress", () => {
    w.leaf("ram:PostcodeCode", postalCode);
    w.leaf("ram:LineOne", street);
    w.leaf("ram:CityName", city);
    if (country?.trim()) w.leaf("ram:CountryID", country.trim().toUpperCase());
  });
}
