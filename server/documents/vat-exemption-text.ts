import { VATEX_TEXTS } from "@/server/tax/tax-engine";
import { documentText, type DocumentLanguage } from "./i18n";
import type { DocumentVatBreakdown } from "./invoice-document";

// The legal note of a VAT category without VAT (BT-120 in the XML, the notes under the PDF's VAT summary), in the
// document's language. The categories the tax determination decides (AE, K, G, O) have the catalogue's text. An
// exemption (E) keeps a reason the tenant wrote for its charge as written; a reason the engine derived from a VATEX
// code (its English text, or the bare code) is written from that code in the buyer's language instead.

const DETERMINED = { AE: "vat.note.AE", K: "vat.note.K", G: "vat.note.G", O: "vat.note.O" } as const;
const MARGIN_SCHEMES = { "VATEX-EU-D": "vatex.D", "VATEX-EU-F": "vatex.F", "VATEX-EU-I": "vatex.I", "VATEX-EU-J": "vatex.J" } as const;

type Breakdown = Pick<DocumentVatBreakdown, "vatCategory" | "exemptionReason" | "exemptionReasonCode">;

/** BT-120 of a breakdown row in the document's language; null for a category that carries no exemption reason. */
export function exemptionReasonText(b: Breakdown, language: DocumentLanguage): string | null {
  const determined = DETERMINED[b.vatCategory as keyof typeof DETERMINED];
  if (determined) return documentText(language, determined);
  if (b.vatCategory !== "E") return b.exemptionReason;
  const reason = b.exemptionReason?.trim() || null;
  const code = b.exemptionReasonCode?.trim() || null;
  const derivedFromCode = reason === null || (code !== null && (reason === code || reason === VATEX_TEXTS[code]));
  if (!derivedFromCode) return reason;
  return (code && vatexText(code, language)) ?? documentText(language, "vat.category.E");
}

/** "VATEX-EU-132-1I" → "132(1)(i)", "VATEX-EU-79-C" → "79(c)", "VATEX-EU-309" → "309"; null for other codes. */
export function directiveArticle(code: string): string | null {
  const m = /^VATEX-EU-(\d+)(?:-(\d+)?([A-Z]+)?)?$/.exec(code);
  if (!m) return null;
  const [, article, paragraph, point] = m;
  return `${article}${paragraph ? `(${paragraph})` : ""}${point ? `(${point.toLowerCase()})` : ""}`;
}

function vatexText(code: string, language: DocumentLanguage): string | null {
  const margin = MARGIN_SCHEMES[code as keyof typeof MARGIN_SCHEMES];
  if (margin) return documentText(language, margin);
  const article = directiveArticle(code);
  return article ? documentText(language, "vatex.article", { article }) : null;
}
