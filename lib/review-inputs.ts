import { z } from "zod";
import { currencyCode, isoDate } from "./billing-inputs";
import { RULE_KINDS, RUN_MODES } from "./billing-values";
import { currencyProblem } from "./iso-codes";
import { currencyExponent } from "./money";
import { isTimeZone } from "./schedule-dates";

// Inputs of the review-by-exception features (#19), shared by tRPC, REST and the dashboard's forms.

const uuid = z.string().uuid("must be a UUID");
const positiveDecimal = z.string().regex(/^\d+(\.\d+)?$/, "must be a non-negative decimal number, e.g. 10000 or 12.5");

/** Rules whose threshold is a percentage / an amount / none. */
export const RULE_THRESHOLD: Record<(typeof RULE_KINDS)[number], "percent" | "amount" | null> = {
  AMOUNT_ABOVE: "amount",
  ZERO_AMOUNT: null,
  CHANGE_PERCENT: "percent",
  MISSING_BUYER_DATA: null,
  USAGE_CHANGE_PERCENT: "percent",
  FIRST_INVOICE: null,
  CREDIT_NOTE: null,
};

export const ruleSetting = z
  .object({
    kind: z.enum(RULE_KINDS),
    severity: z.enum(["SUSPECT", "REJECTED", "OFF"]),
    threshold: positiveDecimal.nullish(),
    // AMOUNT_ABOVE only: the currency the threshold applies to (none: every currency without a threshold of its own)
    currency: currencyCode.nullish(),
  })
  .superRefine((r, ctx) => {
    const needs = RULE_THRESHOLD[r.kind];
    if (needs && r.severity !== "OFF" && (r.threshold === null || r.threshold === undefined)) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: `${r.kind} needs a threshold (${needs === "percent" ? "a percentage" : "an amount"})` });
    }
    if (!needs && r.threshold) ctx.addIssue({ code: "custom", path: ["threshold"], message: `${r.kind} takes no threshold` });
    if (r.currency && r.kind !== "AMOUNT_ABOVE") ctx.addIssue({ code: "custom", path: ["currency"], message: "only the amount rule takes a currency" });
  });
export type RuleSetting = z.infer<typeof ruleSetting>;

export const saveRulesInput = z
  .object({ rules: z.array(ruleSetting).max(200) })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.rules.forEach((r, i) => {
      const key = `${r.kind}/${r.currency ?? ""}`;
      if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path: ["rules", i], message: `${r.kind}${r.currency ? ` in ${r.currency}` : ""} is listed twice` });
      }
      seen.add(key);
    });
  });
export type SaveRulesInput = z.infer<typeof saveRulesInput>;

/** At most this many currencies with an approval threshold. */
export const MAX_APPROVAL_THRESHOLDS = 50;

/**
 * Why `amount` is not a threshold in `currency` (null: it is): a positive decimal string with at most 14 integer digits
 * and the currency's minor-unit decimals (EUR 2, JPY 0, KWD 3 — the table amounts are rounded to, lib/money.ts).
 */
export function approvalThresholdProblem(currency: string, amount: string): string | null {
  const digits = currencyExponent(currency);
  const match = /^(\d{1,14})(?:\.(\d+))?$/.exec(amount);
  if (!match) return `must be a decimal string such as "50000${digits ? "." + "0".repeat(digits) : ""}", not ${JSON.stringify(amount.slice(0, 20))}`;
  if ((match[2]?.length ?? 0) > digits) return digits ? `has more than ${digits} decimals (${currency} has ${digits})` : `must be a whole amount (${currency} has no decimals)`;
  if (!/[1-9]/.test(amount)) return "must be greater than 0";
  return null;
}

/** The ABOVE policy's gross-total thresholds, one per currency: `{ "EUR": "50000.00", "USD": "60000.00" }`. */
export const approvalThresholdsInput = z
  .record(z.string(), z.string({ error: 'must be a decimal string such as "50000.00"' }), {
    error: 'must be an object of gross totals per currency, e.g. {"EUR": "50000.00", "USD": "60000.00"} (one number for every currency is no longer accepted)',
  })
  .superRefine((thresholds, ctx) => {
    const entries = Object.entries(thresholds);
    if (entries.length > MAX_APPROVAL_THRESHOLDS) ctx.addIssue({ code: "custom", message: `at most ${MAX_APPROVAL_THRESHOLDS} currencies` });
    for (const [currency, amount] of entries) {
      const problem = currencyProblem(currency) ?? approvalThresholdProblem(currency, amount);
      if (problem) ctx.addIssue({ code: "custom", path: [currency], message: problem });
    }
  });

export const approvalPolicyInput = z
  .object({
    mode: z.enum(["OFF", "ALWAYS", "ABOVE"]).describe("OFF: Post posts at once; ALWAYS: every run waits for an approver; ABOVE: a run waits when a threshold is exceeded"),
    grossAbove: approvalThresholdsInput
      .nullish()
      .describe(
        'ABOVE only: per ISO 4217 currency, the run\'s gross total in that currency above which Post waits for approval, e.g. {"EUR": "50000.00", "USD": "60000.00"}: a positive decimal string with at most the currency\'s decimals. A currency without a threshold never triggers by amount.',
      ),
    invoiceCountAbove: z.number().int().min(0).nullish().describe("ABOVE only: a run with more invoices to post than this waits for approval"),
  })
  .superRefine((p, ctx) => {
    if (p.mode === "ABOVE" && Object.keys(p.grossAbove ?? {}).length === 0 && p.invoiceCountAbove == null) {
      ctx.addIssue({ code: "custom", path: ["grossAbove"], message: "ABOVE needs a gross total in at least one currency or an invoice count (or both)" });
    }
  });
export type ApprovalPolicyInput = z.infer<typeof approvalPolicyInput>;

export const approveRunInput = z.object({
  id: uuid,
  comment: z.string().trim().max(2000).optional(),
  // "post at T unless held": the approved run posts itself at this time (ISO 8601 with offset); now when absent
  postAt: z.string().datetime({ offset: true, message: "must be an ISO 8601 date-time with offset" }).optional(),
});
export type ApproveRunInput = z.infer<typeof approveRunInput>;
export const sendBackInput = z.object({
  id: uuid,
  comment: z.string().trim().min(1, "say why the run is sent back").max(2000),
});
export const placeHoldInput = z.object({
  accountId: uuid,
  reason: z.string().trim().min(1, "say why the account is on hold").max(500),
  expiresAt: z.string().datetime({ offset: true, message: "must be an ISO 8601 date-time with offset" }).nullish(),
});
export const releaseHoldInput = z.object({ id: uuid });
export const listHoldsInput = z.object({ active: z.boolean().optional() });

export const listAuditInput = z.object({
  entityType: z.string().max(40).optional(),
  entityId: z.string().max(100).optional(),
  action: z.string().max(60).optional(),
  actorId: z.string().max(100).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  beforeId: z.number().int().positive().optional(),
  pageSize: z.number().int().min(1).max(500).default(50),
});
export type ListAuditInput = z.infer<typeof listAuditInput>;

/** A billing cycle's schedule (the scheduler creates, and by mode processes, one run per month). */
export const scheduleInput = z.object({
  billingCycleId: uuid.describe("the billing cycle the schedule creates runs for"),
  dayOfMonth: z
    .number()
    .int("must be a whole day")
    .min(1, "day of month is 1–31")
    .max(31, "day of month is 1–31")
    .describe("day of the month the run is created (a shorter month: its last day)"),
  timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24 h)").describe("local time of day (HH:MM, 24 h) in timeZone"),
  timeZone: z.string().max(64).refine(isTimeZone, "must be an IANA time zone, e.g. Europe/Berlin").describe("IANA time zone of dayOfMonth and timeOfDay"),
  cutoffOffsetDays: z.number().int("must be whole days").min(-31, "at least -31 days").max(31, "at most 31 days").describe("cut-off date = run day + this many days (exclusive: items dated before it are billed)"),
  invoiceDateOffsetDays: z.number().int("must be whole days").min(-31, "at least -31 days").max(31, "at most 31 days").describe("invoice date = run day + this many days"),
  mode: z.enum(RUN_MODES).describe("MANUAL: create the run only; REVIEW: create and process it to drafts; AUTO_POST: create, process and post it"),
  enabled: z.boolean().default(true).describe("a disabled schedule creates nothing; enabling it again does not catch up on the months it was off"),
});
export type ScheduleInput = z.input<typeof scheduleInput>;
export const deleteScheduleInput = z.object({ billingCycleId: uuid.describe("the billing cycle whose schedule is removed") });
export const searchAccountsInput = z.object({
  query: z.string().trim().max(200).default("").describe("part of the account's name or external id (empty: the first accounts by name)"),
  limit: z.number().int().min(1).max(50).default(20).describe("at most this many accounts"),
});
