import type { InvoiceDocument } from "../invoice-document";
import { buildCiiXml } from "../cii/build-cii";
import { buildUblXml } from "../ubl/build-ubl";
import { flavourOf, type EinvoiceFlavour } from "./einvoice-model";

/** The e-invoice XML of a posted document in the flavour its account chose (Peppol BIS UBL by default). */
export function buildEinvoiceXml(
  doc: InvoiceDocument,
  flavour: EinvoiceFlavour = flavourOf(doc.einvoiceFormat),
): string {
  return flavour === "CII" ? buildCiiXml(doc) : buildUblXml(doc, flavour);
}
