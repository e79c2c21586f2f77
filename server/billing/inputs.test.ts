import { describe, expect, it } from "vitest";
import { billingRunMode, chargeType, dateAggregation, invoiceStatus, invoiceType, onRejectAction } from "@/db/schema/enums";
import { CHARGE_TYPES, DATE_AGGREGATIONS, INVOICE_STATUSES, INVOICE_TYPES, ON_REJECT_ACTIONS, RUN_MODES } from "@/lib/billing-values";

// The input schemas (lib/billing-inputs.ts) validate against plain value lists; they must be the database enums' values.
describe("billing value lists", () => {
  it("match the database enums", () => {
    expect(CHARGE_TYPES).toEqual(chargeType.enumValues);
    expect(RUN_MODES).toEqual(billingRunMode.enumValues);
    expect(ON_REJECT_ACTIONS).toEqual(onRejectAction.enumValues);
    expect(DATE_AGGREGATIONS).toEqual(dateAggregation.enumValues);
    expect(INVOICE_STATUSES).toEqual(invoiceStatus.enumValues);
    expect(INVOICE_TYPES).toEqual(invoiceType.enumValues);
  });
});
