import { renderToBuffer } from "@react-pdf/renderer";
import type { InvoiceDocument } from "../invoice-document";
import { primePdfFonts, registerPdfFonts } from "./fonts";
import { InvoicePdf } from "./invoice-pdf";

/** Documents with more lines than this go straight to dynamic page numbers (they rarely fit on one page). */
const SINGLE_PAGE_MAX_LINES = 20;

/** Pages of a PDF written by react-pdf (pdfkit keeps object dictionaries uncompressed: "/Type /Pages … /Count n"). */
export function pdfPageCount(pdf: Buffer): number {
  const match = /\/Type \/Pages\s*\/Count (\d+)/.exec(pdf.toString("latin1"));
  if (!match) throw new Error("not a react-pdf document: no page tree found");
  return Number(match[1]);
}

/**
 * Renders one invoice or credit note to a PDF file (in this thread; see pdf-pool.ts for workers).
 * Most invoices fit on one page: they are rendered with a plain "Page 1 of 1" footer, which saves react-pdf's second
 * layout pass for dynamic page numbers (~20 % of the time); if the result has more pages after all, it is rendered
 * again with real page numbers.
 */
export async function renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  const fontFamily = registerPdfFonts();
  await primePdfFonts(fontFamily);
  if (doc.lines.length <= SINGLE_PAGE_MAX_LINES && !doc.usageAnnex) {
    const pdf = await renderToBuffer(<InvoicePdf doc={doc} fontFamily={fontFamily} pageNumbers="single" />);
    if (pdfPageCount(pdf) === 1) return pdf;
  }
  return renderToBuffer(<InvoicePdf doc={doc} fontFamily={fontFamily} pageNumbers="dynamic" />);
}
