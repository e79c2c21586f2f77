import { z } from "zod";
import {
  CHARGE_TYPES,
  DATE_AGGREGATIONS,
  INVOICE_ACTIONS,
  INVOICE_SORTS,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  ITEMS_MODES,
  ON_REJECT_ACTIONS,
  RULE_KINDS,
  RUN_MODES,
} from "./billing-values";
import { countryProblem, currencyProblem } from "./iso-codes";
import { EINVOICE_FORMATS, easProblem } from "./eas-codes";

// One zod schema per input, shared by tRPC, REST and forms. Only zod and plain value lists: client forms import it.

/** A real calendar day in YYYY-MM-DD (checked arithmetically: ingest validates 10,000 dates per batch). */
export function isCalendarDate(v: string): boolean {
  const year = Number(v.slice(0, 4));
  const month = Number(v.slice(5, 7));
  const day = Number(v.slice(8, 10));
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date (YYYY-MM-DD)")
  .refine(isCalendarDate, "is not a valid calendar date");

/** A code from a list, refused with the reason `problem` gives (null: accepted). */
const listedCode = (problem: (code: string) => string | null, error: string) =>
  z.string({ error }).check((ctx) => {
    const reason = problem(ctx.value);
    if (reason) ctx.issues.push({ code: "custom", message: reason, input: ctx.value });
  });

/**
 * An active ISO 4217 currency (lib/iso-codes.ts): not a 3-letter pattern; XXX, XTS, metals, SDR, fund codes and withdrawn
 * codes are refused with the reason. Used wherever a currency is input: accounts, rated items, invoice filters.
 */
export const currencyCode = listedCode(currencyProblem, "must be an ISO 4217 currency code, e.g. EUR").describe(
  "An active ISO 4217 currency code in capitals, e.g. EUR (XXX, XTS, precious metals, SDR, fund codes and withdrawn codes are refused)",
);

/** An assigned ISO 3166-1 alpha-2 country code (lib/iso-codes.ts), e.g. DE; UK, EL, XK and other non-ISO codes are refused. */
export const countryCode = listedCode(countryProblem, "must be an ISO 3166-1 alpha-2 country code, e.g. DE").describe(
  "An assigned ISO 3166-1 alpha-2 country code in capitals, e.g. DE (GB, not UK; GR, not EL)",
);

/** An Electronic Address Scheme code Peppol accepts (lib/eas-codes.ts), e.g. 0208 or 9930; EM (e-mail) is refused. */
export const easCode = listedCode(easProblem, "must be a 4-digit EAS code, e.g. 0208 or 9930").describe(
  "Electronic Address Scheme (EAS) code of the electronic address, from the CEF EAS list as Peppol accepts it, e.g. 0208, 9930, 0204 (Leitweg-ID); EM is refused",
);

/** The e-invoice an account receives: NONE (PDF only), PEPPOL (Peppol BIS Billing 3.0 UBL), XRECHNUNG (XRechnung 3.0 UBL), FACTURX (PDF/A-3 with CII). */
export const einvoiceFormatInput = z.enum(EINVOICE_FORMATS, { error: `must be one of ${EINVOICE_FORMATS.join(", ")}` });

/** BT-10 buyer reference / BT-13 purchase order reference as a buyer gives them. */
export const documentReference = z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters");

const uuid = z.string().uuid("must be a UUID");

export const runIdInput = z.object({ id: uuid });
export type RunIdInput = z.infer<typeof runIdInput>;

export const runFilterInput = z
  .object({
    accountIds: z.array(uuid).max(10_000).optional(),
    subscriptionIds: z.array(uuid).max(10_000).optional(),
    chargeTypes: z.array(z.enum(CHARGE_TYPES)).optional(),
  })
  .strict();

export const MEMO_MAX = 1000;

export const createRunInput = z
  .object({
    type: z.enum(["CYCLE", "EXCEPTIONAL"]),
    billingCycleId: uuid.optional(),
    filter: runFilterInput.optional(),
    invoiceDate: isoDate,
    cutoffDate: isoDate.describe("Exclusive cut-off: rated items with a usageDate before this date are billed; items dated on or after it wait for a later run"),
    mode: z.enum(RUN_MODES).default("REVIEW"),
    onReject: z.enum(ON_REJECT_ACTIONS).default("HOLD"),
    groupBySubscription: z.boolean().default(false),
    splitByUnitPrice: z.boolean().default(false),
    dateAggregation: z.enum(DATE_AGGREGATIONS).default("NONE"),
    skipZeroAmount: z.boolean().default(false),
    emailInvoices: z.boolean().default(false),
    description: z.string().trim().min(1).max(500).optional(),
    buyerReference: documentReference.optional().describe("BT-10 for every invoice of this run, over the subscription's and the account's"),
    purchaseOrderReference: documentReference.optional().describe("BT-13 for every invoice of this run (e.g. the buyer's PO for this period)"),
    /** printed on every invoice and credit note of the run */
    memo: z.string().trim().min(1, "must not be empty").max(MEMO_MAX, `at most ${MEMO_MAX} characters`).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.type === "CYCLE" && !v.billingCycleId) {
      ctx.addIssue({ code: "custom", path: ["billingCycleId"], message: "a cycle run needs a billing cycle" });
    }
    if (v.type === "CYCLE" && v.filter && Object.values(v.filter).some((x) => x?.length)) {
      ctx.addIssue({ code: "custom", path: ["filter"], message: "a cycle run bills its cycle's accounts; filters are for exceptional runs" });
    }
    if (v.type === "EXCEPTIONAL") {
      const f = v.filter ?? {};
      if (!f.accountIds?.length && !f.subscriptionIds?.length && !f.chargeTypes?.length) {
        ctx.addIssue({
          code: "custom",
          path: ["filter"],
          message: "an exceptional run needs at least one filter (accounts, subscriptions or charge types)",
        });
      }
    }
  });
export type CreateRunInput = z.input<typeof createRunInput>;

export const cancelRunInput = z.object({ id: uuid, items: z.enum(ITEMS_MODES) });
export const setDisabledInput = z.object({ id: uuid, disabled: z.boolean() });
export const saveDescriptionInput = z.object({ id: uuid, description: z.string().trim().min(1, "must not be empty").max(500) });

export const invoiceFilterFields = {
  status: z.array(z.enum(INVOICE_STATUSES)).optional(),
  type: z.array(z.enum(INVOICE_TYPES)).optional(),
  accountQuery: z.string().trim().max(200).optional(),
  amountMin: z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal number").optional(),
  amountMax: z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal number").optional(),
  currency: currencyCode.optional(),
  number: z.string().trim().max(100).optional(),
  hasReason: z.boolean().optional(),
  // invoices with a finding of this rule (server/billing/findings.ts)
  rule: z.enum(RULE_KINDS).optional(),
};
export const invoiceFilterInput = z.object(invoiceFilterFields).strict();
export type InvoiceFilter = z.infer<typeof invoiceFilterInput>;

export const listInvoicesInput = z.object({
  runId: uuid,
  ...invoiceFilterFields,
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(500).default(50),
  sort: z.enum(INVOICE_SORTS).default("accountName"),
  direction: z.enum(["asc", "desc"]).default("asc"),
});
export type ListInvoicesInput = z.input<typeof listInvoicesInput>;

export const invoiceIdInput = z.object({ id: uuid });
/** an invoice's own memo (empty: none), editable until it is posted */
export const saveInvoiceMemoInput = z
  .object({
    id: uuid,
    memo: z
      .string()
      .trim()
      .max(MEMO_MAX, `at most ${MEMO_MAX} characters`)
      .nullable()
      .transform((memo) => memo || null),
  })
  .strict();
/** a run's memo (empty: none), printed on all its documents before each invoice's own; editable until posting */
export const saveRunMemoInput = saveInvoiceMemoInput;

export const bulkActionInput = z
  .object({
    runId: uuid,
    action: z.enum(INVOICE_ACTIONS),
    target: z.union([z.object({ ids: z.array(uuid).min(1, "select at least one invoice").max(100_000) }).strict(), z.object({ filter: invoiceFilterInput }).strict()]),
    reason: z.string().trim().min(1).max(1000).optional(),
    items: z.enum(ITEMS_MODES).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.action === "REJECT" && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "a rejection needs a reason" });
    if (v.action === "CANCEL" && !v.items) {
      ctx.addIssue({ code: "custom", path: ["items"], message: "say whether the invoices' rated items are reopened (REOPEN) or canceled (CANCEL)" });
    }
  });
export type BulkActionInput = z.input<typeof bulkActionInput>;
