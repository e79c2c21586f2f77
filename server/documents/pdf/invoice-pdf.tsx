import { Document, Page, StyleSheet, Text, View } from "@react-pdf/renderer";
import { formatDecimal, formatMoney, formatUnitPrice } from "@/lib/money";
import { isDraftDocument, type InvoiceDocument, type VatCategoryCode } from "../invoice-document";
import { formatDocumentDate, vatBreakdownText } from "../labels";

const INK = "#1f2937";
const MUTED = "#6b7280";
const RULE = "#d1d5db";
const ACCENT = "#1d4ed8";

/**
 * No OpenType shaping (ligatures, contextual forms, kerning): invoice text needs none of it, shaping was about a fifth
 * of the render time, and without ligatures the PDF's text extracts and copies exactly ("fi" stays two letters).
 */
const NO_SHAPING = Object.fromEntries(
  ["ccmp", "locl", "rlig", "mark", "mkmk", "calt", "clig", "liga", "rclt", "curs", "kern"].map((tag) => [tag, false]),
);

export function createStyles(fontFamily: string[]) {
  return StyleSheet.create({
    page: { paddingTop: 40, paddingBottom: 56, paddingHorizontal: 40, fontSize: 9, color: INK, fontFamily, fontFeatureSettings: NO_SHAPING },
    header: { flexDirection: "row", justifyContent: "space-between", marginBottom: 20 },
    sellerName: { fontSize: 14, fontWeight: 700 },
    title: { fontSize: 18, fontWeight: 700, color: ACCENT, textAlign: "right" },
    number: { fontSize: 11, textAlign: "right", marginTop: 2 },
    muted: { color: MUTED },
    parties: { flexDirection: "row", justifyContent: "space-between", marginBottom: 16 },
    party: { width: "48%" },
    label: { fontSize: 7, color: MUTED, textTransform: "uppercase", marginBottom: 3, letterSpacing: 0.5 },
    strong: { fontWeight: 700 },
    meta: { flexDirection: "row", borderTopWidth: 1, borderBottomWidth: 1, borderColor: RULE, paddingVertical: 6, marginBottom: 14 },
    metaCell: { flexGrow: 1 },
    tableHeader: { flexDirection: "row", backgroundColor: "#f3f4f6", borderBottomWidth: 1, borderColor: RULE, paddingVertical: 4, fontWeight: 700 },
    row: { flexDirection: "row", borderBottomWidth: 0.5, borderColor: RULE, paddingVertical: 3 },
    cDesc: { width: "31%", paddingHorizontal: 3 },
    cPeriod: { width: "23%", paddingHorizontal: 3, fontSize: 7.5 },
    cQty: { width: "10%", paddingHorizontal: 3, textAlign: "right" },
    cPrice: { width: "12%", paddingHorizontal: 3, textAlign: "right" },
    cVat: { width: "8%", paddingHorizontal: 3, textAlign: "right" },
    cAmount: { width: "16%", paddingHorizontal: 3, textAlign: "right" },
    summary: { flexDirection: "row", justifyContent: "space-between", marginTop: 14 },
    vatTable: { width: "55%" },
    vCat: { width: "40%", paddingHorizontal: 3 },
    vNum: { width: "20%", paddingHorizontal: 3, textAlign: "right" },
    totals: { width: "40%" },
    totalRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 2 },
    grandTotal: { flexDirection: "row", justifyContent: "space-between", borderTopWidth: 1, borderColor: INK, marginTop: 3, paddingTop: 4, fontSize: 11, fontWeight: 700 },
    payment: { marginTop: 18, padding: 8, borderWidth: 0.5, borderColor: RULE },
    note: { marginTop: 6, color: MUTED },
    footer: { position: "absolute", bottom: 24, left: 40, right: 40, flexDirection: "row", justifyContent: "space-between", fontSize: 7, color: MUTED },
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

export function InvoicePdf({
  doc,
  fontFamily,
  locale = "en",
  pageNumbers = "dynamic",
}: {
  doc: InvoiceDocument;
  fontFamily: string[];
  locale?: string;
  pageNumbers?: PageNumbering;
}) {
  const s = createStyles(fontFamily);
  const money = (v: string) => formatMoney(v, doc.currency, locale);
  const draft = isDraftDocument(doc);
  const credit = doc.type === "CREDIT_NOTE";
  const title = credit ? "Credit note" : "Invoice";
  const watermark = doc.status === "CANCELED" ? "CANCELED" : "DRAFT";
  const reverseCharge = doc.vatBreakdown.some((b) => b.vatCategory === "AE");

  return (
    <Document title={`${title} ${doc.number ?? "DRAFT"}`} author={doc.seller.legalName} creator="Billrun" producer="Billrun">
      <Page size="A4" style={s.page}>
        {draft ? (
          <View fixed style={s.watermark}>
            <Text style={s.watermarkText}>{watermark}</Text>
          </View>
        ) : null}

        <View style={s.header}>
          <View>
            <Text style={s.sellerName}>{doc.seller.legalName}</Text>
            <Text style={s.muted}>{doc.seller.addressLine}</Text>
            <Text style={s.muted}>{`${doc.seller.postalCode} ${doc.seller.city}, ${doc.seller.country}`}</Text>
            <Text style={s.muted}>{`VAT ID ${doc.seller.vatId}`}</Text>
            {doc.seller.email ? <Text style={s.muted}>{doc.seller.email}</Text> : null}
          </View>
          <View>
            <Text style={s.title}>{title}</Text>
            <Text style={s.number}>{draft ? `${watermark} — not numbered` : `No. ${doc.number}`}</Text>
            {doc.precedingInvoice ? (
              <Text style={s.muted}>{`Credit note for ${doc.precedingInvoice.number} of ${formatDocumentDate(doc.precedingInvoice.issueDate, locale)}`}</Text>
            ) : null}
            {doc.creditReason ? <Text style={s.muted}>{`Reason: ${doc.creditReason}`}</Text> : null}
          </View>
        </View>

        <View style={s.parties}>
          <View style={s.party}>
            <Text style={s.label}>{credit ? "Credited to" : "Bill to"}</Text>
            <Text style={s.strong}>{doc.buyer.name}</Text>
            {doc.buyer.addressLine ? <Text>{doc.buyer.addressLine}</Text> : null}
            {doc.buyer.postalCode || doc.buyer.city ? (
              <Text>{[doc.buyer.postalCode, doc.buyer.city].filter(Boolean).join(" ")}</Text>
            ) : null}
            {doc.buyer.country ? <Text>{doc.buyer.country}</Text> : null}
            {doc.buyer.vatId ? <Text>{`VAT ID ${doc.buyer.vatId}`}</Text> : null}
          </View>
          <View style={s.party}>
            <Text style={s.label}>Payment details</Text>
            {doc.seller.iban ? <Text>{`IBAN ${formatIban(doc.seller.iban)}`}</Text> : null}
            {doc.seller.bic ? <Text>{`BIC ${doc.seller.bic}`}</Text> : null}
            {!draft ? <Text>{`Reference ${doc.number}`}</Text> : null}
          </View>
        </View>

        <View style={s.meta}>
          <MetaCell s={s} label={credit ? "Credit note date" : "Invoice date"} value={formatDocumentDate(doc.invoiceDate, locale)} />
          {!credit ? <MetaCell s={s} label="Due date" value={formatDocumentDate(doc.dueDate, locale)} /> : null}
          <MetaCell s={s} label="Currency" value={doc.currency} />
          <MetaCell s={s} label={credit ? "Total credited" : "Amount due"} value={money(doc.grossTotal)} />
        </View>

        <View>
          <View style={s.tableHeader} fixed>
            <Text style={s.cDesc}>Description</Text>
            <Text style={s.cPeriod}>Period</Text>
            <Text style={s.cQty}>Qty</Text>
            <Text style={s.cPrice}>Unit price</Text>
            <Text style={s.cVat}>VAT %</Text>
            <Text style={s.cAmount}>Amount</Text>
          </View>
          {doc.lines.map((line, i) => (
            <View key={i} style={s.row} wrap={false}>
              <Text style={s.cDesc}>{line.description}</Text>
              <Text style={s.cPeriod}>{line.periodStart === line.periodEnd ? line.periodStart : `${line.periodStart} – ${line.periodEnd}`}</Text>
              <Text style={s.cQty}>{formatDecimal(line.quantity, locale)}</Text>
              <Text style={s.cPrice}>{line.unitPrice === null ? "" : formatUnitPrice(line.unitPrice, doc.currency, locale)}</Text>
              <Text style={s.cVat}>{vatRateLabel(line.vatCategory, line.vatRate, locale)}</Text>
              <Text style={s.cAmount}>{money(line.amount)}</Text>
            </View>
          ))}
        </View>

        <View style={s.summary} wrap={false}>
          <View style={s.vatTable}>
            <View style={s.tableHeader}>
              <Text style={s.vCat}>VAT</Text>
              <Text style={s.vNum}>Rate</Text>
              <Text style={s.vNum}>Taxable</Text>
              <Text style={s.vNum}>VAT amount</Text>
            </View>
            {doc.vatBreakdown.map((b, i) => (
              <View key={i} style={s.row}>
                <Text style={s.vCat}>{vatBreakdownText(b, [doc.seller.country, doc.buyer.country], doc.invoiceDate)}</Text>
                <Text style={s.vNum}>{vatRateLabel(b.vatCategory, b.vatRate, locale)}</Text>
                <Text style={s.vNum}>{money(b.taxableAmount)}</Text>
                <Text style={s.vNum}>{money(b.taxAmount)}</Text>
              </View>
            ))}
          </View>
          <View style={s.totals}>
            <View style={s.totalRow}>
              <Text>Total excl. VAT</Text>
              <Text>{money(doc.netTotal)}</Text>
            </View>
            <View style={s.totalRow}>
              <Text>VAT</Text>
              <Text>{money(doc.taxTotal)}</Text>
            </View>
            <View style={s.grandTotal}>
              <Text>{credit ? "Total credited" : "Total"}</Text>
              <Text>{money(doc.grossTotal)}</Text>
            </View>
          </View>
        </View>

        <View style={s.payment} wrap={false}>
          <Text style={s.label}>Payment terms</Text>
          <Text>{credit ? "This credit note will be refunded or offset against open invoices." : doc.seller.paymentTerms}</Text>
          {!credit && doc.seller.iban ? (
            <Text style={s.note}>
              {`Please transfer ${money(doc.grossTotal)} by ${formatDocumentDate(doc.dueDate, locale)} to IBAN ${formatIban(doc.seller.iban)}${doc.seller.bic ? ` (BIC ${doc.seller.bic})` : ""}${draft ? "" : `, reference ${doc.number}`}.`}
            </Text>
          ) : null}
          {reverseCharge ? <Text style={s.note}>Reverse charge: VAT is to be accounted for by the recipient.</Text> : null}
        </View>

        <View style={s.footer} fixed>
          <Text>{`${doc.seller.legalName} · VAT ID ${doc.seller.vatId}${draft ? ` · ${watermark}` : ` · ${doc.number}`}`}</Text>
          {pageNumbers === "single" ? (
            <Text>Page 1 of 1</Text>
          ) : (
            <Text render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} />
          )}
        </View>
      </Page>
    </Document>
  );
}

function MetaCell({ s, label, value }: { s: Styles; label: string; value: string }) {
  return (
    <View style={s.metaCell}>
      <Text style={s.label}>{label}</Text>
      <Text style={s.strong}>{value}</Text>
    </View>
  );
}

function vatRateLabel(category: VatCategoryCode, rate: string, locale: string): string {
  return category === "O" ? "—" : `${formatDecimal(rate, locale, 2)}%`;
}

function formatIban(iban: string): string {
  return iban.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}
