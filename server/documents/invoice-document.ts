import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import type { PartySnapshot } from "@/db/schema/invoices";
import { negateAmount } from "@/lib/money";
import { DEFAULT_DOCUMENT_LANGUAGE, isDocumentLanguage, type DocumentLanguage } from "./i18n/languages";

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
};

export type DocumentVatBreakdown = {
  vatCategory: VatCategoryCode;
  vatRate: string;
  taxableAmount: string;
  taxAmount: string;
  exemptionReason: string | null;
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
  /** the buyer's language: labels, dates, numbers and country names of the PDF, e-mail and XML notes */
  language: DocumentLanguage;
  /** the run's memo and the invoice's own, one paragraph each */
  memo: string | null;
  /** the account's external id */
  customerNumber: string | null;
  // filled by the e-invoice data branch (i17-xml); null until then
  buyerReference: string | null;
  purchaseOrderReference: string | null;
  // filled by the credit-note branch (i17-credit) for a credit note that corrects an invoice (BT-25 / BT-26)
  precedingInvoice: { number: string; issueDate: string } | null;
  creditReason: string | null;
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
  origin_run_id: string;
  account_id: string;
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
};

type SubtotalRow = {
  vat_category: VatCategoryCode;
  vat_rate: string;
  taxable_amount: string;
  tax_amount: string;
  exemption_reason: string | null;
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
               t.legal_name, t.address_line, t.city, t.postal_code, t.country::text AS country, t.vat_id,
               t.iban, t.bic, t.payment_terms, t.email, t.trade_register, t.managing_directors,
               CASE WHEN t.logo IS NOT NULL THEN 'data:' || t.logo_mime_type || ';base64,' || translate(encode(t.logo, 'base64'), chr(10), '') END
                 AS logo_data_uri,
               coalesce(a.language, t.default_language) AS language, a.external_id AS customer_number,
               nullif(concat_ws(chr(10) || chr(10), r.memo, i.memo), '') AS memo
          FROM invoices i
          JOIN tenant_profiles t ON t.tenant_id = i.tenant_id
          LEFT JOIN customer_accounts a ON a.tenant_id = i.tenant_id AND a.id = i.account_id
          LEFT JOIN billing_runs r ON r.tenant_id = i.tenant_id AND r.id = i.origin_run_id
         WHERE i.tenant_id = ${tenantId} AND i.id = ${invoiceId}`,
  );
  if (!header) return null;
  const [lines, subtotals] = await Promise.all([
    queryRows<LineRow>(
      db,
      sql`SELECT description, quantity::text AS quantity, unit_price::text AS unit_price, amount::text AS amount,
                 vat_category, vat_rate::text AS vat_rate,
                 period_start::text AS period_start, period_end::text AS period_end
            FROM invoice_lines
           WHERE tenant_id = ${tenantId} AND billing_run_id = ${header.origin_run_id} AND account_id = ${header.account_id}
           ORDER BY id`,
    ),
    queryRows<SubtotalRow>(
      db,
      sql`SELECT vat_category, vat_rate::text AS vat_rate, taxable_amount::text AS taxable_amount,
                 tax_amount::text AS tax_amount, exemption_reason
            FROM invoice_tax_subtotals
           WHERE tenant_id = ${tenantId} AND invoice_id = ${invoiceId}
           ORDER BY vat_category, vat_rate`,
    ),
  ]);
  return toInvoiceDocument(header, lines, subtotals);
}

export function toInvoiceDocument(header: HeaderRow, lines: LineRow[], subtotals: SubtotalRow[]): InvoiceDocument {
  const credit = header.type === "CREDIT_NOTE";
  const sign = (v: string) => (credit ? negateAmount(v) : v);
  const buyer = header.buyer ?? ({ name: "" } as PartySnapshot);
  const sellerEndpoint = deriveSellerEndpoint(header.email, header.vat_id, header.country);
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
      electronicAddressScheme: sellerEndpoint?.scheme ?? null,
      electronicAddress: sellerEndpoint?.id ?? null,
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
    })),
    vatBreakdown: subtotals.map((s) => ({
      vatCategory: s.vat_category,
      vatRate: s.vat_rate,
      taxableAmount: sign(s.taxable_amount),
      taxAmount: sign(s.tax_amount),
      exemptionReason: s.exemption_reason,
    })),
    netTotal: sign(header.net_total),
    taxTotal: sign(header.tax_total),
    grossTotal: sign(header.gross_total),
    language: isDocumentLanguage(header.language) ? header.language : DEFAULT_DOCUMENT_LANGUAGE,
    memo: header.memo,
    customerNumber: header.customer_number,
    buyerReference: null,
    purchaseOrderReference: null,
    precedingInvoice: null,
    creditReason: null,
  };
}

// Peppol EAS codes for VAT numbers (CEF EAS code list) by country.
const VAT_EAS: Record<string, string> = {
  AD: "9922", AL: "9923", AT: "9914", BA: "9924", BE: "9925", BG: "9926", CH: "9927", CY: "9928", CZ: "9929",
  DE: "9930", EE: "9931", ES: "9920", FR: "9957", GB: "9932", GR: "9933", HR: "9934", HU: "9910", IE: "9935",
  LI: "9936", LT: "9937", LU: "9938", LV: "9939", MC: "9940", ME: "9941", MK: "9942", MT: "9943", NL: "9944",
  PL: "9945", PT: "9946", RO: "9947", RS: "9948", SI: "9949", SK: "9950", SM: "9951", TR: "9952", VA: "9953",
};

/**
 * tenant_profiles has no Peppol endpoint column: the seller's electronic address (BT-34) is its VAT number
 * under the country's VAT EAS scheme, else its e-mail (scheme EM).
 */
export function deriveSellerEndpoint(email: string | null, vatId: string | null, country: string | null): { scheme: string; id: string } | null {
  const cc = country?.trim().toUpperCase() ?? "";
  if (vatId && VAT_EAS[cc]) return { scheme: VAT_EAS[cc], id: vatId };
  if (email) return { scheme: "EM", id: email };
  return null;
}
