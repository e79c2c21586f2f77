import { renderToBuffer } from "@react-pdf/renderer";
import type { InvoiceDocument } from "../invoice-document";
import { registerPdfFonts } from "./fonts";
import { InvoicePdf } from "./invoice-pdf";

/** Renders one invoice or credit note to a PDF file (in this thread; see pdf-pool.ts for workers). */
export async function renderInvoicePdf(doc: InvoiceDocument, locale = "en"): Promise<Buffer> {
  const fontFamily = registerPdfFonts();
  return renderToBuffer(<InvoicePdf doc={doc} fontFamily={fontFamily} locale={locale} />);
}
