import { describe, expect, it } from "vitest";
import { epcQrPayload, qrCodePath } from "./epc-qr";
import { sampleDocument } from "./sample-documents";

describe("EPC QR code (GiroCode)", () => {
  it("encodes beneficiary, IBAN, amount and the invoice number as EPC069-12 v2 lines", () => {
    expect(epcQrPayload(sampleDocument())).toBe(
      ["BCD", "002", "1", "SCT", "COBADEFFXXX", "Billrun Demo GmbH", "DE89370400440532013000", "EUR255.17", "", "", "INV-2026-000123"].join("\n"),
    );
  });

  it("trims the name to 70 characters and normalises the IBAN", () => {
    const payload = epcQrPayload(sampleDocument({ seller: { legalName: "Ä".repeat(80), iban: "de89 3704 0044 0532 0130 00", bic: null } }))!;
    const fields = payload.split("\n");
    expect(fields[4]).toBe("");
    expect(fields[5]).toBe("Ä".repeat(70));
    expect(fields[6]).toBe("DE89370400440532013000");
  });

  it("asks for no payment on credit notes, drafts, other currencies or without an IBAN", () => {
    expect(epcQrPayload(sampleDocument({ type: "CREDIT_NOTE" }))).toBeNull();
    expect(epcQrPayload(sampleDocument({ status: "DRAFT" }))).toBeNull();
    expect(epcQrPayload(sampleDocument({ currency: "USD" }))).toBeNull();
    expect(epcQrPayload(sampleDocument({ seller: { iban: null } }))).toBeNull();
    expect(epcQrPayload(sampleDocument({ lines: [{ description: "Free", quantity: "1", unitPrice: "0" }] }))).toBeNull();
  });

  it("draws the code's dark modules as one path", () => {
    const { size, path } = qrCodePath(epcQrPayload(sampleDocument())!);
    expect(size).toBeGreaterThanOrEqual(25);
    expect(path).toMatch(/^M0 0h7v1h-7z/); // the top-left finder pattern's first row
  });
});
