import type { RuleKind } from "./billing-values";

// What the dashboard calls each validation rule (client-safe: plain values).
export const RULE_LABEL: Record<RuleKind, string> = {
  AMOUNT_ABOVE: "Amount above threshold",
  ZERO_AMOUNT: "Zero total",
  CHANGE_PERCENT: "Amount change %",
  MISSING_BUYER_DATA: "Buyer data missing",
  USAGE_CHANGE_PERCENT: "Usage change % per charge",
  FIRST_INVOICE: "First invoice of the account",
  CREDIT_NOTE: "Credit note",
};
