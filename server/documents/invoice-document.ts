import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import type { PartySnapshot } from "@/db/schema/invoices";
import { negateAmount } from "@/lib/money";
import { DEFAULT_DOCUMENT_LANGUAGE, isDocumentLanguage, type DocumentLanguage } from "./i18n/languages";
import { loadUsageAnnex, type UsageAnnex } from "./usage-annex";
import { vatTotalInAccountingCurrency } from "@/server/billing/vat-accounting";

/** EN 16931 VAT category codes (UNCL5305 subset), as stored in the vat_category enum. */
export type VatCategoryCode = "S" | "Z" | "E" | "AE" | "K" | "G" | "O" | "L" | "M";
export type InvoiceDocumentType = "INVOICE" | "CREDIT_NOTE";
export type InvoiceDocumentStatus = "DRAFT" | "SUSPECT" | "REJECTED" | "POSTED" | "CANCELED";

export type DocumentSeller = {
  legalName: string;
  addressLine: string;
  city: string;
  postalCode: string;
  country: string;
  vatId: string;
  iban: string | null;
  bic: string | null;
  paymentTerms: string;
  email: string | null;
  /** BT-34 (EAS scheme + id) */
  electronicAddressScheme: string | null;
  electronicAddress: string | null;
  /** BT-41 / BT-42 / BT-43 (seller contact) */
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  /** PDF footer: e.g. "Amtsgericht Berlin-Charlottenburg HRB 123456" */
  tradeRegister: string | null;
  managingDirectors: string | null;
  /** data URI of the tenant's PNG or JPEG logo */
  logo: string | null;
};

export type DocumentBuyer = {
  name: string;
  email: string | null;
  addressLine: string | null;
  city: string | null;
  postalCode: string | null;
  country: string | null;
  vatId: string | null;
  /** BT-49 (EAS scheme + id) */
  electronicAddressScheme: string | null;
  electronicAddress: string | null;
};

export type DocumentLine = {
  description: string;
  quantity: string;
  unitPrice: string | null;
  amount: string;
  vatCategory: VatCategoryCode;
  vatRate: string;
  periodStart: string;
  periodEnd: string;
  /** VATEX code (BT-121) of a line without VAT */
  exemptionReasonCode: string | null;
  /** credits, discounts and refunds are lines of their own, never netted into a charge's line */
  kind: "CHARGE" | "CREDIT" | "DISCOUNT" | "REFUND";
  /** the rated item's own description, when the line stands for one item or all its items share it */
  itemDescription: string | null;
};

export type DocumentVatBreakdown = {
  vatCategory: VatCategoryCode;
  vatRate: string;
  taxableAmount: string;
  taxAmount: string;
  exemptionReason: string | null;
  /** VATEX code (BT-121) */
  exemptionReasonCode: string | null;
};

/**
 * Everything a PDF, an XML or an e-mail needs to show one invoice. All amounts are decimal strings.
 * Credit notes carry POSITIVE amounts here (EN 16931 / UBL CreditNote convention), whereas the database
 * stores them negative; `loadInvoiceDocument` does the negation.
 */
export type InvoiceDocument = {
  id: string;
  type: InvoiceDocumentType;
  status: InvoiceDocumentStatus;
  /** null until posted */
  number: string | null;
  currency: string;
  invoiceDate: string;
  dueDate: string;
  seller: DocumentSeller;
  buyer: DocumentBuyer;
  lines: DocumentLine[];
  vatBreakdown: DocumentVatBreakdown[];
  netTotal: string;
  taxTotal: string;
  grossTotal: string;
  /** BT-10 */
  buyerReference: string | null;
  /** BT-13 */
  purchaseOrderReference: string | null;
  /** the account's choice when the invoice was created; decides the XML flavour (NONE: Peppol BIS, the default) */
  einvoiceFormat: "NONE" | "PEPPOL" | "XRECHNUNG" | "FACTURX";
  /** BT-6 / BT-111: set when the document currency differs from the seller's VAT accounting currency */
  vatAccounting: { currency: string; rate: string; taxTotal: string } | null;
  /** BT-25 / BT-26: the invoice a credit note corrects */
  precedingInvoice: { number: string; issueDate: string } | null;
  /** why a correction credit note was issued (null otherwise) */
  creditReason: string | null;
  /** the buyer's language: labels, dates, numbers and country names of the PDF, e-mail and XML notes */
  language: DocumentLanguage;
  /** the run's memo and the invoice's own, one paragraph each */
  memo: string | null;
  /** the account's external id */
  customerNumber: string | null;
  /** the items behind the lines of charges that ask for a usage annex (invoices of a run only) */
  usageAnnex?: UsageAnnex | null;
};

export const isDraftDocument = (doc: Pick<InvoiceDocument, "status" | "number">) =>
  doc.status !== "POSTED" || doc.number === null;

/** Name of a generated file, e.g. "INV-2026-000123.pdf" or "DRAFT-<id>.xml". */
export function documentFileName(doc: Pick<InvoiceDocument, "id" | "status" | "number">, ext: "pdf" | "xml"): string {
  const base = isDraftDocument(doc) ? `DRAFT-${doc.id}` : doc.number!;
  return `${base.replace(/[^A-Za-z0-9._-]+/g, "_")}.${ext}`;
}

type HeaderRow = {
  id: string;
  type: InvoiceDocumentType;
  status: InvoiceDocumentStatus;
  number: string | null;
  currency: string;
  invoice_date: string;
  due_date: string;
  net_total: string;
  tax_total: string;
  gross_total: string;
  buyer: PartySnapshot;
  origin_run_id: string | null;
  account_id: string;
  // a correction credit note's reference (optional: callers building documents by hand may leave them out)
  corrects_invoice_id?: string | null;
  credit_reason?: string | null;
  preceding_number?: string | null;
  preceding_date?: string | null;
  legal_name: string;
  address_line: string;
  city: string;
  postal_code: string;
  country: string;
  vat_id: string;
  iban: string | null;
  bic: string | null;
  payment_terms: string;
  email: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  electronic_address_scheme: string | null;
  electronic_address: string | null;
  /** set when the invoice currency differs from the VAT accounting currency */
  vat_currency: string | null;
  vat_rate: string | null;
  trade_register: string | null;
  managing_directors: string | null;
  logo_data_uri: string | null;
  language: string | null;
  customer_number: string | null;
  memo: string | null;
};

type LineRow = {
  description: string;
  quantity: string;
  unit_price: string | null;
  amount: string;
  vat_category: VatCategoryCode;
  vat_rate: string;
  period_start: string;
  period_end: string;
  vat_exemption_code: string | null;
  kind: DocumentLine["kind"];
  item_description: string | null;
  /** the line's id when its charge asks for a usage annex */
  annex_line_id?: string | null;
};

type SubtotalRow = {
  vat_category: VatCategoryCode;
  vat_rate: string;
  taxable_amount: string;
  tax_amount: string;
  exemption_reason: string | null;
  exemption_reason_code: string | null;
};

/** The documents of these invoices of the tenant (ids of other tenants or missing invoices are left out). */
export async function loadInvoiceDocuments(db: Queryable, tenantId: string, invoiceIds: string[]): Promise<InvoiceDocument[]> {
  const docs: InvoiceDocument[] = [];
  for (const id of invoiceIds) {
    const doc = await loadInvoiceDocument(db, tenantId, id);
    if (doc) docs.push(doc);
  }
  return docs;
}

export async function loadInvoiceDocument(db: Queryable, tenantId: string, invoiceId: string): Promise<InvoiceDocument | null> {
  // numeric and date columns are cast to text so every driver hands back exact strings
  const [header] = await queryRows<HeaderRow>(
    db,
    sql`SELECT i.id, i.type, i.status, i.number, i.currency::text AS currency,
               i.invoice_date::text AS invoice_date, i.due_date::text AS due_date,
               i.net_total::text AS net_total, i.tax_total::text AS tax_total, i.gross_total::text AS gross_total,
               i.buyer, i.origin_run_id, i.account_id,
               i.corrects_invoice_id, i.credit_reason, o.number AS preceding_number, o.invoice_date::text AS preceding_date,
               t.legal_name, t.address_line, t.city, t.postal_code, t.country::text AS country, t.vat_id,
               t.iban, t.bic, t.payment_terms, t.email, t.contact_name, t.contact_phone, t.contact_email,
               t.electronic_address_scheme, t.electronic_address, t.trade_register, t.managing_directors,
               CASE WHEN t.logo IS NOT NULL THEN 'data:' || t.logo_mime_type || ';base64,' || translate(encode(t.logo, 'base64'), chr(10), '') END
                 AS logo_data_uri,
               coalesce(a.language, t.default_language) AS language, a.external_id AS customer_number,
               nullif(concat_ws(chr(10) || chr(10), r.memo, i.memo), '') AS memo,
               CASE WHEN vc.currency <> i.currency THEN vc.currency END AS vat_currency,
               CASE WHEN vc.currency <> i.currency THEN coalesce(i.vat_exchange_rate, xr.rate)::text END AS vat_rate
          FROM invoices i
          JOIN tenant_profiles t ON t.tenant_id = i.tenant_id
          -- posted invoices carry the accounting currency and rate fixed when posted (0021); drafts (and invoices posted
          -- before 0021) look them up
          CROSS JOIN LATERAL (SELECT coalesce(i.vat_accounting_currency, t.vat_accounting_currency, t.default_currency)::text AS currency) vc
          LEFT JOIN LATERAL (
            SELECT x.rate FROM exchange_rates x
             WHERE i.vat_accounting_currency IS NULL
               AND x.tenant_id = i.tenant_id AND x.currency = i.currency AND x.rate_date <= i.invoice_date
             ORDER BY x.rate_date DESC LIMIT 1) xr ON TRUE
          LEFT JOIN invoices o ON o.id = i.corrects_invoice_id AND o.tenant_id = i.tenant_id
          LEFT JOIN customer_accounts a ON a.tenant_id = i.tenant_id AND a.id = i.account_id
          LEFT JOIN billing_runs r ON r.tenant_id = i.tenant_id AND r.id = i.origin_run_id
         WHERE i.tenant_id = ${tenantId} AND i.id = ${invoiceId}`,
  );
  if (!header) return null;
  const [lines, subtotals] = await Promise.all([
    queryRows<LineRow>(
      db,
      // a correction credit note's lines are its own (credit_note_lines); a run's invoice's are its run's for its account,
      // by charge type (subscriptions, usage, one-time), charge, charges before credits, period
      header.corrects_invoice_id
        ? sql`SELECT description, quantity::text AS quantity, unit_price::text AS unit_price, amount::text AS amount,
                 vat_category, vat_rate::text AS vat_rate,
                 period_start::text AS period_start, period_end::text AS period_end, NULL::text AS vat_exemption_code,
                 'CHARGE' AS kind, NULL::text AS item_description, NULL::text AS annex_line_id
            FROM credit_note_lines
           WHERE tenant_id = ${tenantId} AND credit_note_id = ${invoiceId}
           ORDER BY id`
        : sql`SELECT l.description, l.quantity::text AS quantity, l.unit_price::text AS unit_price, l.amount::text AS amount,
                 l.vat_category, l.vat_rate::text AS vat_rate,
                 l.period_start::text AS period_start, l.period_end::text AS period_end, l.vat_exemption_code,
                 l.kind, l.item_description,
                 CASE WHEN ch.usage_annex AND ch.line_grouping <> 'PER_ITEM' AND l.kind = 'CHARGE' THEN l.id::text END AS annex_line_id
            FROM invoice_lines l LEFT JOIN charges ch ON ch.id = l.charge_id AND ch.tenant_id = l.tenant_id
           WHERE l.tenant_id = ${tenantId} AND l.billing_run_id = ${header.origin_run_id} AND l.account_id = ${header.account_id}
           ORDER BY CASE ch.type WHEN 'RECURRING' THEN 1 WHEN 'USAGE' THEN 2 ELSE 3 END, ch.label, ch.code,
             l.kind = 'CHARGE' DESC, l.kind, l.period_start, l.id`,
    ),
    queryRows<SubtotalRow>(
      db,
      sql`SELECT vat_category, vat_rate::text AS vat_rate, taxable_amount::text AS taxable_amount,
                 tax_amount::text AS tax_amount, exemption_reason, exemption_reason_code
            FROM invoice_tax_subtotals
           WHERE tenant_id = ${tenantId} AND invoice_id = ${invoiceId}
           ORDER BY vat_category, vat_rate`,
    ),
  ]);
  // only invoices whose lines ask for it: one more query for those, none for the others
  const annexLineIds = lines.flatMap((l) => (l.annex_line_id ? [l.annex_line_id] : []));
  const annex =
    annexLineIds.length && header.origin_run_id && !header.corrects_invoice_id
      ? await loadUsageAnnex(db, tenantId, { runId: header.origin_run_id, accountId: header.account_id, lineIds: annexLineIds })
      : null;
  return toInvoiceDocument(header, lines, subtotals, annex);
}

export function toInvoiceDocument(header: HeaderRow, lines: LineRow[], subtotals: SubtotalRow[], usageAnnex: UsageAnnex | null = null): InvoiceDocument {
  const credit = header.type === "CREDIT_NOTE";
  const sign = (v: string) => (credit ? negateAmount(v) : v);
  const buyer = header.buyer ?? ({ name: "" } as PartySnapshot);
  const taxTotal = sign(header.tax_total);
  return {
    id: header.id,
    type: header.type,
    status: header.status,
    number: header.number,
    currency: header.currency.trim(),
    invoiceDate: header.invoice_date,
    dueDate: header.due_date,
    seller: {
      legalName: header.legal_name,
      addressLine: header.address_line,
      city: header.city,
      postalCode: header.postal_code,
      country: header.country.trim(),
      vatId: header.vat_id,
      iban: header.iban,
      bic: header.bic,
      paymentTerms: header.payment_terms,
      email: header.email,
      electronicAddressScheme: header.electronic_address_scheme,
      electronicAddress: header.electronic_address,
      contactName: header.contact_name,
      contactPhone: header.contact_phone,
      contactEmail: header.contact_email,
      tradeRegister: header.trade_register,
      managingDirectors: header.managing_directors,
      logo: header.logo_data_uri,
    },
    buyer: {
      name: buyer.name,
      email: buyer.email ?? null,
      addressLine: buyer.addressLine ?? null,
      city: buyer.city ?? null,
      postalCode: buyer.postalCode ?? null,
      country: buyer.country ?? null,
      vatId: buyer.vatId ?? null,
      electronicAddressScheme: buyer.electronicAddressScheme ?? null,
      electronicAddress: buyer.electronicAddress ?? null,
    },
    lines: lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      // negating the price (not the quantity) keeps quantity × price = amount
      unitPrice: l.unit_price === null ? null : sign(l.unit_price),
      amount: sign(l.amount),
      vatCategory: l.vat_category,
      vatRate: l.vat_rate,
      periodStart: l.period_start,
      periodEnd: l.period_end,
      exemptionReasonCode: l.vat_exemption_code,
      kind: l.kind,
      itemDescription: l.item_description,
    })),
    vatBreakdown: subtotals.map((s) => ({
      vatCategory: s.vat_category,
      vatRate: s.vat_rate,
      taxableAmount: sign(s.taxable_amount),
      taxAmount: sign(s.tax_amount),
      exemptionReason: s.exemption_reason,
      exemptionReasonCode: s.exemption_reason_code,
    })),
    netTotal: sign(header.net_total),
    taxTotal,
    grossTotal: sign(header.gross_total),
    buyerReference: buyer.buyerReference ?? null,
    purchaseOrderReference: buyer.purchaseOrderReference ?? null,
    einvoiceFormat: buyer.einvoiceFormat ?? "NONE",
    vatAccounting: vatAccounting(header.vat_currency, header.vat_rate, taxTotal),
    precedingInvoice:
      header.preceding_number && header.preceding_date ? { number: header.preceding_number, issueDate: header.preceding_date } : null,
    creditReason: header.credit_reason ?? null,
    language: isDocumentLanguage(header.language) ? header.language : DEFAULT_DOCUMENT_LANGUAGE,
    memo: header.memo,
    customerNumber: header.customer_number,
    usageAnnex,
  };
}

/** BT-6 / BT-111: the VAT total converted at the tenant's rate, rounded to the accounting currency's minor unit. */
function vatAccounting(currency: string | null, rate: string | null, taxTotal: string): InvoiceDocument["vatAccounting"] {
  if (!currency || !rate) return null;
  return { currency: currency.trim(), rate, taxTotal: vatTotalInAccountingCurrency(taxTotal, rate, currency) };
}
