import Decimal from "decimal.js";
import QRCode from "qrcode";
import { isDraftDocument, type InvoiceDocument } from "./invoice-document";

/**
 * The EPC QR code ("GiroCode", EPC069-12 v2.1) for paying an invoice by SEPA credit transfer: banking apps read the
 * beneficiary, IBAN, amount and reference from it. Only for posted EUR invoices with an IBAN and an amount between
 * €0.01 and €999,999,999.99; credit notes and drafts request no payment.
 */
export function epcQrPayload(doc: InvoiceDocument): string | null {
  if (doc.type !== "INVOICE" || isDraftDocument(doc) || doc.currency !== "EUR" || !doc.seller.iban) return null;
  const amount = new Decimal(doc.grossTotal);
  if (amount.lt("0.01") || amount.gt("999999999.99")) return null;
  const iban = doc.seller.iban.replace(/\s+/g, "").toUpperCase();
  const bic = (doc.seller.bic ?? "").replace(/\s+/g, "").toUpperCase();
  return [
    "BCD", // service tag
    "002", // version (the BIC is optional within the EEA)
    "1", // character set: UTF-8
    "SCT", // SEPA credit transfer
    bic,
    truncate(doc.seller.legalName, 70),
    iban,
    `EUR${amount.toFixed(2)}`,
    "", // purpose code
    "", // structured creditor reference (ISO 11649): none, the invoice number goes into the unstructured remittance
    truncate(doc.number ?? "", 140),
  ].join("\n");
}

const truncate = (text: string, max: number) => Array.from(text.replace(/[\r\n]+/g, " ").trim()).slice(0, max).join("");

/** The QR code's dark modules as one SVG path in module units (size × size), error correction M as EPC069-12 asks. */
export function qrCodePath(text: string): { size: number; path: string } {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const { size, data } = qr.modules;
  let path = "";
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!data[y * size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && data[y * size + x]) x++;
      path += `M${start} ${y}h${x - start}v1h${start - x}z`;
    }
  }
  return { size, path };
}
