import { buildCiiXml } from "../cii/build-cii";
import { isDraftDocument, type InvoiceDocument } from "../invoice-document";
import { en16931CurrencyProblem } from "../ubl/en16931-currency";
import { embedFacturX } from "./embed-facturx";

/** Whether this document's PDF is a Factur-X hybrid: a posted document of an account that chose Factur-X. */
export const isFacturXDocument = (doc: InvoiceDocument) =>
  doc.einvoiceFormat === "FACTURX" &&
  !isDraftDocument(doc) &&
  en16931CurrencyProblem(doc.currency) === null;

/** The rendered PDF as it is stored and sent: with the CII XML embedded for Factur-X accounts, unchanged otherwise. */
export async function finishInvoicePdf(
  doc: InvoiceDocument,
  pdf: Buffer,
): Promise<Buffer> {
  if (!isFacturXDocument(doc)) return pdf;
  const what = doc.type === "CREDIT_NOTE" ? "Credit note" : "Invoice";
  // dated by the invoice date, so the same invoice always gives the same file
  return embedFacturX(pdf, buildCiiXml(doc), {
    title: `${what} ${doc.number}`,
    author: doc.seller.legalName,
    date: new Date(`${doc.invoiceDate}T00:00:00Z`),
  });
}
