import { describe, expect, it } from "vitest";
import { availableActions, availableInvoiceActions, runInvoiceActions } from "./state-machine";

describe("invoice actions", () => {
  const review = { status: "DRAFTS_READY", type: "CYCLE" } as const;

  it("follow the invoice's status in a run whose drafts are ready for review", () => {
    expect(availableInvoiceActions(review, "DRAFT")).toEqual(["REJECT", "QUARANTINE", "CANCEL"]);
    expect(availableInvoiceActions(review, "SUSPECT")).toEqual(["VALIDATE", "REJECT", "QUARANTINE", "CANCEL"]);
    expect(availableInvoiceActions(review, "REJECTED")).toEqual(["VALIDATE", "QUARANTINE", "CANCEL"]);
    expect(availableInvoiceActions(review, "POSTED")).toEqual([]);
    expect(availableInvoiceActions(review, "CANCELED")).toEqual([]);
  });

  it("are none outside review, and a quarantine run's invoices cannot be quarantined again", () => {
    for (const status of ["NEW", "LINES_CREATED", "CREATING_INVOICES", "POSTING", "POSTED", "FAILED", "CANCELING", "CANCELED"] as const) {
      expect(runInvoiceActions({ status, type: "CYCLE" })).toEqual([]);
      expect(availableInvoiceActions({ status, type: "EXCEPTIONAL" }, "SUSPECT")).toEqual([]);
    }
    expect(availableInvoiceActions({ status: "DRAFTS_READY", type: "QUARANTINE" }, "SUSPECT")).toEqual(["VALIDATE", "REJECT", "CANCEL"]);
  });

  it("are offered on the run exactly when its invoices have some", () => {
    for (const status of ["NEW", "DRAFTS_READY", "POSTED", "FAILED"] as const) {
      const run = { status, mode: "REVIEW", disabled: false, hasFailures: false, failedStep: null } as const;
      expect(availableActions(run).includes("INVOICE_ACTIONS")).toBe(runInvoiceActions({ status, type: "CYCLE" }).length > 0);
    }
  });
});
