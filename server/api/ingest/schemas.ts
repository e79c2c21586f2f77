import { z } from "zod";
import { documentLanguageSchema } from "@/server/documents/i18n/languages";
import { chargeType, customerType, lineGrouping, lineKind, taxClass, vatCategory } from "@/db/schema/enums";
import { countryCode, currencyCode, documentReference, easCode, einvoiceFormatInput, isoDate } from "@/lib/billing-inputs";
import { currencyExponent } from "@/lib/money";

// Ingest inputs, shared by REST, tRPC and forms. References to other records are the tenant's own
// external ids (accounts, subscriptions) and codes (charges), resolved in SQL within the tenant.

export const MAX_BATCH = 10_000;

export const DECIMAL = /^-?\d{1,14}(\.\d{1,6})?$/;

/** numeric(20,6): up to 14 integer digits and 6 decimals, as a string (never parsed to a float); "-0" becomes "0". */
export const decimalString = z
  .string({ error: "must be a decimal string, e.g. \"12.50\"" })
  .regex(DECIMAL, "must be a decimal string with at most 14 integer digits and 6 decimals, e.g. \"12.50\"")
  .overwrite(withoutNegativeZero);

/** "-0", "-0.00" → "0", "0.00": a zero has no sign (stored, compared and shown the same). */
export function withoutNegativeZero(value: string): string {
  return value.startsWith("-") && /^-0*(\.0*)?$/.test(value) ? value.slice(1) : value;
}

// Postgres text refuses NUL and JSON refuses lone UTF-16 surrogates: refuse them here, with a message.
export const storable = (v: string) => !v.includes("\u0000") && !/[\ud800-\udfff]/u.test(v);
const storableMessage = "must not contain NUL characters or unpaired surrogates";

// One pass instead of three refinements (four external ids per rated item, 10,000 items per batch); same messages.
export const externalIdProblem = (v: string): string | null => {
  if (/[\u0000-\u001f\u007f]/u.test(v)) return "must not contain control characters";
  if (v.trim() !== v) return "must not start or end with whitespace";
  if (!storable(v)) return storableMessage;
  return null;
};

const externalId = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .check((ctx) => {
    const problem = externalIdProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  });

const text = (max: number) =>
  z
    .string({ error: "must be a string" })
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine(storable, storableMessage);

const currency = currencyCode;
const country = countryCode;

function uniqueBy<T>(key: (row: T) => string, field: string) {
  return (rows: T[], ctx: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    rows.forEach((row, index) => {
      const k = key(row);
      const first = seen.get(k);
      if (first === undefined) seen.set(k, index);
      else ctx.addIssue({ code: "custom", path: [index, field], message: `duplicates row ${first} of this batch` });
    });
  };
}

const batch = <T extends z.ZodType>(row: T, what: string) =>
  z
    .array(row, { error: `must be an array of ${what}` })
    .min(1, `send at least one of ${what}`)
    .max(MAX_BATCH, `at most ${MAX_BATCH.toLocaleString("en")} ${what} per batch`);

export const accountInput = z
  .object({
    externalId,
    name: text(300),
    email: z.email("must be an e-mail address").max(320).optional(),
    addressLine: text(300).optional(),
    city: text(120).optional(),
    postalCode: text(30).optional(),
    country: country.optional(),
    vatId: text(40).optional(),
    /** VAT: a business buyer with a VAT id in another member state is reverse-charged; consumers may be taxed under OSS */
    customerType: z.enum(customerType.enumValues, { error: `must be one of ${customerType.enumValues.join(", ")}` }).default("BUSINESS"),
    currency,
    /** the language of the account's invoices, credit notes and e-mails; omitted: the tenant's default language */
    language: documentLanguageSchema.optional(),
    billingCycleId: z.uuid("must be a UUID").optional(),
    electronicAddressScheme: easCode.optional(),
    electronicAddress: text(200).optional(),
    buyerReference: documentReference.optional().describe("BT-10 buyer reference (XRechnung: the Leitweg-ID)"),
    purchaseOrderReference: documentReference.optional().describe("BT-13 default purchase order reference (a subscription or a run can override it)"),
    einvoiceFormat: einvoiceFormatInput.default("NONE").describe("the e-invoice this account receives; its required fields are checked when drafts are created"),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!!v.electronicAddressScheme !== !!v.electronicAddress) {
      ctx.addIssue({ code: "custom", path: ["electronicAddress"], message: "give both electronicAddressScheme and electronicAddress, or neither" });
    }
  });
export const upsertAccountsInput = z.object({ accounts: batch(accountInput, "accounts").superRefine(uniqueBy((a) => a.externalId, "externalId")) }).strict();
export type UpsertAccountsInput = z.input<typeof upsertAccountsInput>;

export const subscriptionInput = z
  .object({
    externalId,
    accountExternalId: externalId,
    name: text(300),
    startDate: isoDate,
    endDate: isoDate.optional(),
    buyerReference: documentReference.optional().describe("overrides the account's BT-10 buyer reference"),
    purchaseOrderReference: documentReference.optional().describe("overrides the account's BT-13 purchase order reference"),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.endDate && v.endDate < v.startDate) ctx.addIssue({ code: "custom", path: ["endDate"], message: "must not be before startDate" });
  });
export const upsertSubscriptionsInput = z
  .object({ subscriptions: batch(subscriptionInput, "subscriptions").superRefine(uniqueBy((s) => s.externalId, "externalId")) })
  .strict();
export type UpsertSubscriptionsInput = z.input<typeof upsertSubscriptionsInput>;

// EN 16931: these categories carry no VAT and need an exemption reason (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10).
const EXEMPT_CATEGORIES = ["E", "AE", "K", "G", "O"];

export const chargeInput = z
  .object({
    code: externalId,
    label: text(300),
    type: z.enum(chargeType.enumValues, { error: `must be one of ${chargeType.enumValues.join(", ")}` }),
    vatCategory: z.enum(vatCategory.enumValues, { error: `must be one of ${vatCategory.enumValues.join(", ")}` }).default("S"),
    vatRate: z.string({ error: "must be a decimal string, e.g. \"19.00\"" }).regex(/^\d{1,3}(\.\d{1,2})?$/, "must be a percentage such as \"19.00\""),
    vatExemptionReason: text(300).optional(),
    /** what the charge sells, for VAT; each line's category and rate follow from it and the buyer (default: from vatCategory) */
    taxClass: z.enum(taxClass.enumValues, { error: `must be one of ${taxClass.enumValues.join(", ")}` }).optional(),
    vatExemptionCode: z.string().regex(/^VATEX-[A-Z0-9-]{1,30}$/, "must be a VATEX code such as VATEX-EU-132-1I").optional(),
    lineGrouping: z.enum(lineGrouping.enumValues, { error: `must be one of ${lineGrouping.enumValues.join(", ")}` }).default("AGGREGATE"),
    usageAnnex: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe("the invoice PDF lists the items behind this charge's lines (date, description, quantity, amount) in an annex, up to a limit per invoice"),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.taxClass === "EXEMPT" && !v.vatExemptionReason && !v.vatExemptionCode) {
      ctx.addIssue({ code: "custom", path: ["vatExemptionCode"], message: "an EXEMPT charge needs vatExemptionCode or vatExemptionReason" });
    }
    const rate = Number(v.vatRate); // comparison with 0/100 only, never arithmetic on money
    if (rate > 100) ctx.addIssue({ code: "custom", path: ["vatRate"], message: "must be at most 100" });
    if (v.vatCategory === "S" && rate === 0) ctx.addIssue({ code: "custom", path: ["vatRate"], message: "standard rate (S) must be above 0" });
    if (v.vatCategory !== "S" && v.vatCategory !== "L" && v.vatCategory !== "M" && rate !== 0) {
      ctx.addIssue({ code: "custom", path: ["vatRate"], message: `must be 0 for VAT category ${v.vatCategory}` });
    }
    if (EXEMPT_CATEGORIES.includes(v.vatCategory) && !v.vatExemptionReason) {
      ctx.addIssue({ code: "custom", path: ["vatExemptionReason"], message: `is required for VAT category ${v.vatCategory}` });
    }
  });
export const upsertChargesInput = z.object({ charges: batch(chargeInput, "charges").superRefine(uniqueBy((c) => c.code, "code")) }).strict();
export type UpsertChargesInput = z.input<typeof upsertChargesInput>;

/** The rule for a rated item's amount, in words (the OpenAPI document and the error messages say the same). */
export const AMOUNT_TOLERANCE =
  "amount must have the sign of quantity × unitPrice and equal it within half a minor unit of the currency (the amount " +
  "rounded to the currency, e.g. 0.005 EUR, 0.5 JPY) plus half a unit of unitPrice's 6th decimal per unit of quantity " +
  "(the unit price rounded to the 6 decimals stored, e.g. an average price of a tiered charge)";

export const ratedItemInput = z
  .object({
    externalId,
    accountExternalId: externalId,
    subscriptionExternalId: externalId.optional(),
    chargeCode: externalId,
    description: text(500),
    quantity: decimalString,
    /** the rated unit price; for tiers and volume discounts, the average price (amount ÷ quantity) to 6 decimals */
    unitPrice: decimalString,
    /** excl. tax; quantity × unitPrice within AMOUNT_TOLERANCE (see amountProblem) */
    amount: decimalString.describe(`Excl. tax, a decimal string; ${AMOUNT_TOLERANCE}`),
    currency,
    usageDate: isoDate,
    kind: z
      .enum(lineKind.enumValues, { error: `must be one of ${lineKind.enumValues.join(", ")}` })
      .optional()
      .describe(
        "CHARGE: what the charge sells (amount zero or positive); CREDIT, DISCOUNT, REFUND: negative amounts, each billed on a line " +
          "of its own with the item's description, never netted into the charge's line. Omitted: a negative amount is a CREDIT, any other a CHARGE",
      ),
  })
  .strict()
  .superRefine((v, ctx) => {
    const problem = amountProblem(v.quantity, v.unitPrice, v.amount, v.currency);
    if (problem) ctx.addIssue({ code: "custom", path: ["amount"], message: problem });
    const signProblem = v.kind ? kindSignProblem(v.kind, v.amount) : null;
    if (signProblem) ctx.addIssue({ code: "custom", path: ["amount"], message: signProblem });
  });

/** Why an item's amount does not have its kind's sign (null when it does): credits, discounts and refunds are negative. */
export function kindSignProblem(kind: (typeof lineKind.enumValues)[number], amount: string): string | null {
  if (!DECIMAL.test(amount)) return null;
  const negative = amount.startsWith("-") && !/^-0*(\.0*)?$/.test(amount);
  if (kind === "CHARGE") return negative ? `must not be negative for kind CHARGE (send a CREDIT, DISCOUNT or REFUND); got ${amount}` : null;
  return negative ? null : `must be negative for kind ${kind}; got ${amount}`;
}

export type RatedItemInput = z.infer<typeof ratedItemInput>;

export const ingestRatedItemsInput = z
  .object({ items: batch(ratedItemInput, "items").superRefine(uniqueBy((i) => i.externalId, "externalId")) })
  .strict();
export type IngestRatedItemsInput = z.input<typeof ingestRatedItemsInput>;

const SCALE = 1_000_000n;

/** A decimal string of at most 6 decimals as an exact integer count of millionths (BigInt: never a float). */
function micros(value: string): bigint {
  const negative = value.startsWith("-");
  const [whole, fraction = ""] = (negative ? value.slice(1) : value).split(".");
  const n = BigInt(whole) * SCALE + BigInt(fraction.padEnd(6, "0"));
  return negative ? -n : n;
}

/** A scaled integer as a plain decimal string without trailing zeros. */
function decimalOf(n: bigint, digits: number): string {
  const negative = n < 0n;
  const s = (negative ? -n : n).toString().padStart(digits + 1, "0");
  const whole = s.slice(0, s.length - digits);
  const fraction = s.slice(s.length - digits).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

const sign = (n: bigint) => (n > 0n ? 1 : n < 0n ? -1 : 0);

/**
 * Why a rated item's amount does not fit its quantity and unit price (null when it does). Exact integer arithmetic in
 * 10⁻¹² units: |amount − quantity × unitPrice| ≤ ½·10^−exponent + ½·10⁻⁶·|quantity|, and the signs agree when both are
 * non-zero. The first term is the rounding of the amount to the currency's minor unit (currencyExponent, the table the
 * invoice lines are rounded with); the second is the rounding of the true unit price to the 6 decimals stored.
 */
export function amountProblem(quantity: string, unitPrice: string, amount: string, currency: string): string | null {
  if (!DECIMAL.test(quantity) || !DECIMAL.test(unitPrice) || !DECIMAL.test(amount) || !/^[A-Z]{3}$/.test(currency)) return null;
  const q = micros(quantity);
  const product = q * micros(unitPrice); // 10⁻¹² units
  const sent = micros(amount) * SCALE;
  // built only for an answer (decimalOf is most of this function's cost when the amount fits)
  const shown = () => `quantity × unitPrice = ${quantity} × ${unitPrice} = ${decimalOf(product, 12)}`;
  if (sign(product) !== 0 && sign(sent) !== 0 && sign(product) !== sign(sent)) {
    return `has the wrong sign: ${shown()} is ${sign(product) < 0 ? "negative" : "positive"} but the amount ${amount} is ${sign(sent) < 0 ? "negative" : "positive"}`;
  }
  const difference = sent > product ? sent - product : product - sent;
  const twiceTolerance = 10n ** BigInt(12 - currencyExponent(currency)) + (q < 0n ? -q : q);
  if (2n * difference <= twiceTolerance) return null;
  return `must equal ${shown()} within ${decimalOf(twiceTolerance * 5n, 13)} ${currency} (half a minor unit of ${currency}, plus half a unit of unitPrice's 6th decimal per unit of quantity); got ${amount}`;
}
