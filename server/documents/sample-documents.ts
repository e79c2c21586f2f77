import Decimal from "decimal.js";
import { toXmlAmount } from "@/lib/money";
import type { DocumentLine, DocumentVatBreakdown, InvoiceDocument, VatCategoryCode } from "./invoice-document";

/**
 * Synthetic InvoiceDocuments for tests, benchmarks and previews. Totals are computed exactly the way the
 * billing stages do: lines rounded to the minor unit, VAT per (category, rate) breakdown, half-up.
 */

export type SampleLine = {
  description: string;
  quantity: string;
  unitPrice: string;
  vatCategory?: VatCategoryCode;
  vatRate?: string;
  periodStart?: string;
  periodEnd?: string;
  kind?: DocumentLine["kind"];
  itemDescription?: string | null;
};

export type SampleOptions = {
  id?: string;
  type?: InvoiceDocument["type"];
  status?: InvoiceDocument["status"];
  number?: string | null;
  currency?: string;
  buyer?: Partial<InvoiceDocument["buyer"]>;
  seller?: Partial<InvoiceDocument["seller"]>;
  lines?: SampleLine[];
  exemptionReasons?: Partial<Record<VatCategoryCode, string>>;
  buyerReference?: string | null;
  purchaseOrderReference?: string | null;
  einvoiceFormat?: InvoiceDocument["einvoiceFormat"];
  /** VAT accounting currency and rate (document currency → accounting currency); the tax total is converted */
  vatAccounting?: { currency: string; rate: string } | null;
  precedingInvoice?: InvoiceDocument["precedingInvoice"];
  creditReason?: string | null;
  /** VATEX codes per category (BT-121) */
  exemptionReasonCodes?: Partial<Record<VatCategoryCode, string>>;
  language?: InvoiceDocument["language"];
  memo?: string | null;
  customerNumber?: string | null;
};

export const sampleSeller: InvoiceDocument["seller"] = {
  legalName: "Billrun Demo GmbH",
  addressLine: "Friedrichstraße 123",
  city: "Berlin",
  postalCode: "10117",
  country: "DE",
  vatId: "DE123456789",
  iban: "DE89370400440532013000",
  bic: "COBADEFFXXX",
  paymentTerms: "Payment within 30 days by bank transfer",
  email: "billing@billrun.example",
  electronicAddressScheme: "9930",
  electronicAddress: "DE123456789",
  contactName: "Accounts receivable",
  contactPhone: "+49 30 1234567",
  contactEmail: "billing@billrun.example",
  tradeRegister: "Amtsgericht Berlin-Charlottenburg HRB 123456 B",
  managingDirectors: "Erika Mustermann, Max Mustermann",
  logo: null,
};

export const sampleBuyer: InvoiceDocument["buyer"] = {
  name: "Zoë Ångström & Søn <Łódź>",
  email: "zoe@example.pl",
  addressLine: "ul. Piotrkowska 1",
  city: "Łódź",
  postalCode: "90-001",
  country: "PL",
  vatId: "PL1234567890",
  electronicAddressScheme: "9945",
  electronicAddress: "PL1234567890",
};

const defaultLines: SampleLine[] = [
  { description: "Pro plan — monthly subscription", quantity: "1", unitPrice: "49.00" },
  { description: "API calls (per 1,000)", quantity: "1234", unitPrice: "0.0125" },
  { description: "Onboarding & setup", quantity: "1", unitPrice: "150" },
];

export function sampleDocument(options: SampleOptions = {}): InvoiceDocument {
  const currency = options.currency ?? "EUR";
  const type = options.type ?? "INVOICE";
  const status = options.status ?? "POSTED";
  const lines: DocumentLine[] = (options.lines ?? defaultLines).map((l) => ({
    description: l.description,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    amount: toXmlAmount(new Decimal(l.quantity).times(l.unitPrice), currency),
    vatCategory: l.vatCategory ?? "S",
    vatRate: l.vatRate ?? (l.vatCategory && l.vatCategory !== "S" ? "0" : "19"),
    periodStart: l.periodStart ?? "2026-10-01",
    periodEnd: l.periodEnd ?? "2026-10-31",
    exemptionReasonCode: options.exemptionReasonCodes?.[l.vatCategory ?? "S"] ?? null,
    kind: l.kind ?? (new Decimal(l.unitPrice).isNegative() ? "CREDIT" : "CHARGE"),
    itemDescription: l.itemDescription ?? null,
  }));
  const groups = new Map<string, DocumentVatBreakdown>();
  for (const l of lines) {
    const key = `${l.vatCategory}|${l.vatRate}`;
    const g = groups.get(key) ?? {
      vatCategory: l.vatCategory,
      vatRate: l.vatRate,
      taxableAmount: "0",
      taxAmount: "0",
      exemptionReason: options.exemptionReasons?.[l.vatCategory] ?? null,
      exemptionReasonCode: options.exemptionReasonCodes?.[l.vatCategory] ?? null,
    };
    g.taxableAmount = new Decimal(g.taxableAmount).plus(l.amount).toFixed();
    groups.set(key, g);
  }
  const vatBreakdown = [...groups.values()].map((g) => ({
    ...g,
    taxableAmount: toXmlAmount(g.taxableAmount, currency),
    taxAmount: toXmlAmount(new Decimal(g.taxableAmount).times(g.vatRate).div(100), currency),
  }));
  const net = vatBreakdown.reduce((s, g) => s.plus(g.taxableAmount), new Decimal(0));
  const tax = vatBreakdown.reduce((s, g) => s.plus(g.taxAmount), new Decimal(0));
  const posted = status === "POSTED";
  return {
    id: options.id ?? "5f0c6b1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f",
    type,
    status,
    number: options.number !== undefined ? options.number : posted ? (type === "CREDIT_NOTE" ? "CN-2026-000007" : "INV-2026-000123") : null,
    currency,
    invoiceDate: "2026-11-01",
    dueDate: "2026-12-01",
    seller: { ...sampleSeller, ...options.seller },
    buyer: { ...sampleBuyer, ...options.buyer },
    lines,
    vatBreakdown,
    netTotal: toXmlAmount(net, currency),
    taxTotal: toXmlAmount(tax, currency),
    grossTotal: toXmlAmount(net.plus(tax), currency),
    buyerReference: options.buyerReference !== undefined ? options.buyerReference : "BR-4711",
    purchaseOrderReference: options.purchaseOrderReference ?? null,
    einvoiceFormat: options.einvoiceFormat ?? "PEPPOL",
    vatAccounting: options.vatAccounting
      ? { ...options.vatAccounting, taxTotal: toXmlAmount(tax.times(options.vatAccounting.rate), options.vatAccounting.currency) }
      : null,
    language: options.language ?? "en",
    memo: options.memo ?? null,
    customerNumber: options.customerNumber !== undefined ? options.customerNumber : "CUST-0042",
    precedingInvoice: options.precedingInvoice ?? null,
    creditReason: options.creditReason ?? null,
  };
}

/** n usage lines with varied descriptions, e.g. for multi-page PDFs and benchmarks. */
export function manyLines(n: number, seed = 1): SampleLine[] {
  const out: SampleLine[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i * 7919 + seed * 104729) % 1000;
    out.push({
      description: `Usage ${i + 1}: storage tier ${(k % 5) + 1} — région Île-de-France`,
      quantity: String((k % 40) + 1),
      unitPrice: `${(k % 97) + 1}.${String(k % 100).padStart(2, "0")}`,
      vatRate: k % 3 === 0 ? "7" : "19",
    });
  }
  return out;
}
