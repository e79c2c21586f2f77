import { Document, Image, Page, Path, StyleSheet, Svg, Text, View } from "@react-pdf/renderer";
import { epcQrPayload, qrCodePath } from "../epc-qr";
import { documentFormat, documentText, type DocumentFormat, type DocumentLanguage, type MessageKey } from "../i18n";
import { isDraftDocument, type DocumentVatBreakdown, type InvoiceDocument } from "../invoice-document";
import { UsageAnnexPdf } from "./usage-annex-pdf";
import { exemptionReasonText } from "../vat-exemption-text";

const INK = "#1f2937";
const MUTED = "#6b7280";
const RULE = "#d1d5db";
const ACCENT = "#1d4ed8";
const QR_SIZE = 84;

/**
 * No OpenType shaping (ligatures, contextual forms, kerning): invoice text needs none of it, shaping was about a fifth
 * of the render time, and without ligatures the PDF's text extracts and copies exactly ("fi" stays two letters).
 */
const NO_SHAPING = Object.fromEntries(
  ["ccmp", "locl", "rlig", "mark", "mkmk", "calt", "clig", "liga", "rclt", "curs", "kern"].map((tag) => [tag, false]),
);

export function createStyles(fontFamily: string[]) {
  return StyleSheet.create({
    page: { paddingTop: 40, paddingBottom: 84, paddingHorizontal: 40, fontSize: 9, color: INK, fontFamily, fontFeatureSettings: NO_SHAPING },
    header: { flexDirection: "row", justifyContent: "space-between", marginBottom: 20 },
    logo: { maxWidth: 160, maxHeight: 48, marginBottom: 6, objectFit: "contain", objectPosition: "left" },
    sellerName: { fontSize: 14, fontWeight: 700 },
    title: { fontSize: 18, fontWeight: 700, color: ACCENT, textAlign: "right" },
    number: { fontSize: 11, textAlign: "right", marginTop: 2 },
    rightNote: { textAlign: "right", marginTop: 2, maxWidth: 240 },
    muted: { color: MUTED },
    parties: { flexDirection: "row", justifyContent: "space-between", marginBottom: 16 },
    party: { width: "48%" },
    label: { fontSize: 7, color: MUTED, textTransform: "uppercase", marginBottom: 3, letterSpacing: 0.5 },
    strong: { fontWeight: 700 },
    detailRow: { marginBottom: 1 },
    meta: { flexDirection: "row", borderTopWidth: 1, borderBottomWidth: 1, borderColor: RULE, paddingVertical: 6, marginBottom: 14 },
    metaCell: { flexGrow: 1, flexBasis: 0, paddingRight: 4 },
    tableHeader: { flexDirection: "row", backgroundColor: "#f3f4f6", borderBottomWidth: 1, borderColor: RULE, paddingVertical: 4, fontWeight: 700 },
    row: { flexDirection: "row", borderBottomWidth: 0.5, borderColor: RULE, paddingVertical: 3 },
    cDesc: { width: "31%", paddingHorizontal: 3 },
    cPeriod: { width: "23%", paddingHorizontal: 3, fontSize: 7.5 },
    cQty: { width: "10%", paddingHorizontal: 3, textAlign: "right" },
    cPrice: { width: "12%", paddingHorizontal: 3, textAlign: "right" },
    cVat: { width: "8%", paddingHorizontal: 3, textAlign: "right" },
    cAmount: { width: "16%", paddingHorizontal: 3, textAlign: "right" },
    summary: { flexDirection: "row", justifyContent: "space-between", marginTop: 14 },
    vatSummary: { width: "55%" },
    vatRow: { paddingVertical: 2, borderBottomWidth: 0.5, borderColor: RULE },
    totals: { width: "40%" },
    totalRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 2 },
    grandTotal: { flexDirection: "row", justifyContent: "space-between", borderTopWidth: 1, borderColor: INK, marginTop: 3, paddingTop: 4, fontSize: 11, fontWeight: 700 },
    memo: { marginTop: 14 },
    payment: { marginTop: 14, padding: 8, borderWidth: 0.5, borderColor: RULE, flexDirection: "row", justifyContent: "space-between" },
    paymentText: { flexGrow: 1, flexBasis: 0, paddingRight: 10 },
    qr: { width: QR_SIZE, alignItems: "center" },
    qrCaption: { fontSize: 6.5, color: MUTED, textAlign: "center", marginTop: 2 },
    note: { marginTop: 4, color: MUTED },
    footer: { position: "absolute", bottom: 24, left: 40, right: 40, flexDirection: "row", justifyContent: "space-between", fontSize: 7, color: MUTED, borderTopWidth: 0.5, borderColor: RULE, paddingTop: 5 },
    footerColumn: { width: "32%" },
    footerRight: { width: "32%", textAlign: "right" },
    watermark: { position: "absolute", top: 330, left: 70, transform: "rotate(-45deg)" },
    watermarkText: { fontSize: 130, fontWeight: 700, color: "#dc2626", opacity: 0.14, letterSpacing: 8 },
  });
}

type Styles = ReturnType<typeof createStyles>;

/**
 * pageNumbers "single": the footer says "Page 1 of 1" as plain text; "dynamic": react-pdf numbers the pages, which
 * costs a second layout pass of every page (render-invoice-pdf.tsx uses "single" and checks the page count).
 */
export type PageNumbering = "single" | "dynamic";

export function InvoicePdf({ doc, fontFamily, pageNumbers = "dynamic" }: { doc: InvoiceDocument; fontFamily: string[]; pageNumbers?: PageNumbering }) {
  const s = createStyles(fontFamily);
  const lang = doc.language;
  const f = documentFormat(lang);
  const t = (key: MessageKey, params?: Record<string, string>) => (documentText as TextFn)(lang, key, params);
  const money = (v: string) => f.money(v, doc.currency);
  const draft = isDraftDocument(doc);
  const credit = doc.type === "CREDIT_NOTE";
  const title = t(credit ? "document.creditNote" : "document.invoice");
  const watermark = t(doc.status === "CANCELED" ? "document.status.CANCELED" : "document.status.DRAFT");
  const period = servicePeriod(doc, f);
  const qr = epcQrPayload(doc);
  const notes = vatNotes(doc, lang);
  const sellerCountry = f.country(doc.seller.country);

  return (
    <Document title={`${title} ${doc.number ?? watermark}`} author={doc.seller.legalName} creator="Billrun" producer="Billrun" language={f.locale}>
      <Page size="A4" style={s.page}>
        {draft ? (
          <View fixed style={s.watermark}>
            <Text style={s.watermarkText}>{watermark}</Text>
          </View>
        ) : null}

        <View style={s.header}>
          <View>
            {/* eslint-disable-next-line jsx-a11y/alt-text -- react-pdf's Image is a PDF image object, it takes no alt text */}
            {doc.seller.logo ? <Image style={s.logo} src={doc.seller.logo} /> : null}
            <Text style={s.sellerName}>{doc.seller.legalName}</Text>
            <Lines style={s.muted} parts={[doc.seller.addressLine, `${doc.seller.postalCode} ${doc.seller.city}, ${sellerCountry}`, t("document.vatId", { vatId: doc.seller.vatId }), doc.seller.email]} />
          </View>
          <View>
            <Text style={s.title}>{title}</Text>
            <Text style={s.number}>{draft ? t("document.notNumbered", { status: watermark }) : t("document.number", { number: doc.number! })}</Text>
            {credit && doc.precedingInvoice ? (
              <Text style={s.rightNote}>
                {t("document.creditNoteFor", { number: doc.precedingInvoice.number, date: f.date(doc.precedingInvoice.issueDate) })}
              </Text>
            ) : null}
            {credit && doc.creditReason ? <Text style={[s.rightNote, s.muted]}>{t("document.creditReason", { reason: doc.creditReason })}</Text> : null}
          </View>
        </View>

        <View style={s.parties}>
          <View style={s.party}>
            <Text style={s.label}>{t(credit ? "document.creditedTo" : "document.billTo")}</Text>
            <Text style={s.strong}>{doc.buyer.name}</Text>
            <Lines parts={[
                doc.buyer.addressLine,
                [doc.buyer.postalCode, doc.buyer.city].filter(Boolean).join(" "),
                doc.buyer.country ? f.country(doc.buyer.country) : null,
                doc.buyer.vatId ? t("document.vatId", { vatId: doc.buyer.vatId }) : null,
              ]} />
          </View>
          <View style={s.party}>
            <Text style={s.label}>{t("document.details")}</Text>
            <Detail s={s} label={t("document.customerNumber")} value={doc.customerNumber} />
            <Detail s={s} label={t("document.email")} value={doc.buyer.email} />
            <Detail s={s} label={t("document.buyerReference")} value={doc.buyerReference} />
            <Detail s={s} label={t("document.purchaseOrder")} value={doc.purchaseOrderReference} />
          </View>
        </View>

        <View style={s.meta}>
          <MetaCell s={s} label={t(credit ? "document.creditNoteDate" : "document.invoiceDate")} value={f.date(doc.invoiceDate)} />
          {period ? <MetaCell s={s} label={t("document.servicePeriod")} value={period} /> : null}
          {!credit ? <MetaCell s={s} label={t("document.dueDate")} value={f.date(doc.dueDate)} /> : null}
          <MetaCell s={s} label={t(credit ? "document.totalCredited" : "document.amountDue")} value={money(doc.grossTotal)} />
        </View>

        <View>
          <View style={s.tableHeader} fixed>
            <Text style={s.cDesc}>{t("lines.description")}</Text>
            <Text style={s.cPeriod}>{t("lines.period")}</Text>
            <Text style={s.cQty}>{t("lines.quantity")}</Text>
            <Text style={s.cPrice}>{t("lines.unitPrice")}</Text>
            <Text style={s.cVat}>{t("lines.vatRate")}</Text>
            <Text style={s.cAmount}>{t("lines.amount")}</Text>
          </View>
          {doc.lines.map((line, i) => (
            <View key={i} style={s.row} wrap={false}>
              <Text style={s.cDesc}>{line.description}</Text>
              <Text style={s.cPeriod}>{f.period(line.periodStart, line.periodEnd)}</Text>
              <Text style={s.cQty}>{f.decimal(line.quantity)}</Text>
              <Text style={s.cPrice}>{line.unitPrice === null ? "" : f.unitPrice(line.unitPrice, doc.currency)}</Text>
              <Text style={s.cVat}>{line.vatCategory === "O" ? "—" : f.rate(line.vatRate)}</Text>
              <Text style={s.cAmount}>{money(line.amount)}</Text>
            </View>
          ))}
        </View>

        <View style={s.summary} wrap={false}>
          <View style={s.vatSummary}>
            <Text style={s.label}>{t("vat.summary")}</Text>
            {doc.vatBreakdown.map((b, i) => (
              <Text key={i} style={s.vatRow}>
                {vatSummaryLine(b, lang, f, doc.currency)}
              </Text>
            ))}
            {notes.map((note, i) => (
              <Text key={i} style={s.note}>
                {note}
              </Text>
            ))}
          </View>
          <View style={s.totals}>
            <View style={s.totalRow}>
              <Text>{t("totals.net")}</Text>
              <Text>{money(doc.netTotal)}</Text>
            </View>
            <View style={s.totalRow}>
              <Text>{t("totals.vat")}</Text>
              <Text>{money(doc.taxTotal)}</Text>
            </View>
            {doc.vatAccounting ? (
              // BT-111: the VAT total in the seller's VAT accounting currency, at the tenant's rate for the invoice date
              <View style={s.totalRow}>
                <Text>{t("totals.vatInAccountingCurrency", { currency: doc.vatAccounting.currency, rate: doc.vatAccounting.rate })}</Text>
                <Text>{f.money(doc.vatAccounting.taxTotal, doc.vatAccounting.currency)}</Text>
              </View>
            ) : null}
            <View style={s.grandTotal}>
              <Text>{t(credit ? "document.totalCredited" : "totals.gross")}</Text>
              <Text>{money(doc.grossTotal)}</Text>
            </View>
          </View>
        </View>

        {doc.memo ? (
          <View style={s.memo} wrap={false}>
            <Text style={s.label}>{t("document.memo")}</Text>
            <Text>{doc.memo}</Text>
          </View>
        ) : null}

        <View style={s.payment} wrap={false}>
          <View style={s.paymentText}>
            <Text style={s.label}>{t("payment.title")}</Text>
            {credit ? (
              <Text>{t("payment.creditNote")}</Text>
            ) : (
              <>
                <Text style={s.strong}>
                  {draft
                    ? t("payment.request", { amount: money(doc.grossTotal), dueDate: f.date(doc.dueDate) })
                    : t("payment.requestWithReference", { amount: money(doc.grossTotal), dueDate: f.date(doc.dueDate), reference: doc.number! })}
                </Text>
                <Lines style={s.note} parts={[
                    doc.seller.iban ? `${t("payment.iban")} ${formatIban(doc.seller.iban)}${doc.seller.bic ? ` · ${t("payment.bic")} ${doc.seller.bic}` : ""}` : null,
                    draft ? null : `${t("payment.reference")}: ${doc.number}`,
                    doc.seller.paymentTerms.trim(),
                  ]} />
              </>
            )}
          </View>
          {qr ? <PaymentQrCode s={s} payload={qr} caption={t("payment.scanToPay")} /> : null}
        </View>

        {doc.usageAnnex ? (
          <UsageAnnexPdf annex={doc.usageAnnex} s={s} f={f} currency={doc.currency} labels={{
              title: t("annex.title"),
              date: t("annex.date"),
              description: t("lines.description"),
              quantity: t("lines.quantity"),
              amount: t("lines.amount"),
              more: (count) => t("annex.more", { count }),
            }} />
        ) : null}

        <View style={s.footer} fixed>
          <Lines style={s.footerColumn} parts={[doc.seller.legalName, doc.seller.addressLine, `${doc.seller.postalCode} ${doc.seller.city}, ${sellerCountry}`]} />
          <Lines style={s.footerColumn} parts={[
              t("document.vatId", { vatId: doc.seller.vatId }),
              doc.seller.tradeRegister ? t("footer.register", { register: doc.seller.tradeRegister }) : null,
              doc.seller.managingDirectors ? t("footer.managingDirectors", { names: doc.seller.managingDirectors }) : null,
            ]} />
          {pageNumbers === "single" ? (
            <Lines style={s.footerRight} parts={[doc.seller.email, draft ? watermark : doc.number, t("footer.page", { page: "1", pages: "1" })]} />
          ) : (
            <View style={s.footerRight}>
              <Lines parts={[doc.seller.email, draft ? watermark : doc.number]} />
              <Text render={({ pageNumber, totalPages }) => t("footer.page", { page: String(pageNumber), pages: String(totalPages) })} />
            </View>
          )}
        </View>
      </Page>
    </Document>
  );
}

// documentText's params are typed per key; the template's small wrapper passes them through untyped
type TextFn = (language: DocumentLanguage, key: MessageKey, params?: Record<string, string>) => string;

function MetaCell({ s, label, value }: { s: Styles; label: string; value: string }) {
  return (
    <View style={s.metaCell}>
      <Text style={s.label}>{label}</Text>
      <Text style={s.strong}>{value}</Text>
    </View>
  );
}

function Detail({ s, label, value }: { s: Styles; label: string; value: string | null }) {
  if (!value) return null;
  return (
    <Text style={s.detailRow}>
      <Text style={s.muted}>{label}</Text>
      {`  ${value}`}
    </Text>
  );
}

/** The non-empty lines as one text (one text box lays out faster than one per line). */
/**
 * Lines of text, one Text each: a "\n" inside a Text has no glyph in the embedded fonts, so react-pdf would lay it out
 * in its built-in Helvetica, a font a PDF/A-3 (Factur-X) file may not use without embedding it.
 */
function Lines({ style, parts }: { style?: Styles[keyof Styles]; parts: Array<string | null | undefined> }) {
  return (
    <View style={style}>
      {parts.filter(Boolean).map((part, i) => (
        <Text key={i}>{part}</Text>
      ))}
    </View>
  );
}

function PaymentQrCode({ s, payload, caption }: { s: Styles; payload: string; caption: string }) {
  const { size, path } = qrCodePath(payload);
  const quiet = 2; // modules of white border around the code (the box's padding adds to it)
  const box = size + 2 * quiet;
  return (
    <View style={s.qr}>
      <Svg width={QR_SIZE} height={QR_SIZE} viewBox={`${-quiet} ${-quiet} ${box} ${box}`}>
        <Path d={path} fill="#000000" />
      </Svg>
      <Text style={s.qrCaption}>{caption}</Text>
    </View>
  );
}

/** "VAT 19 % on €1,000.00 = €190.00"; categories without VAT: "Reverse charge: €500.00". */
export function vatSummaryLine(b: DocumentVatBreakdown, language: DocumentLanguage, f: DocumentFormat, currency: string): string {
  const category = documentText(language, `vat.category.${b.vatCategory}`);
  const base = f.money(b.taxableAmount, currency);
  if (b.vatCategory === "S" || b.vatCategory === "L" || b.vatCategory === "M") {
    return documentText(language, "vat.rated", { category, rate: f.rate(b.vatRate), base, tax: f.money(b.taxAmount, currency) });
  }
  return documentText(language, "vat.untaxed", { category, base });
}

/** The legal notes of the document's VAT categories, in its language (BT-120 of the XML). */
function vatNotes(doc: InvoiceDocument, language: DocumentLanguage): string[] {
  const notes = new Set<string>();
  for (const b of doc.vatBreakdown) {
    const note = exemptionReasonText(b, language);
    if (note) notes.add(note);
  }
  return [...notes];
}

/** From the first line's start to the last line's end; null without lines. */
function servicePeriod(doc: InvoiceDocument, f: DocumentFormat): string | null {
  if (doc.lines.length === 0) return null;
  let start = doc.lines[0].periodStart;
  let end = doc.lines[0].periodEnd;
  for (const l of doc.lines) {
    if (l.periodStart < start) start = l.periodStart;
    if (l.periodEnd > end) end = l.periodEnd;
  }
  return f.period(start, end);
}

function formatIban(iban: string): string {
  return iban.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}
