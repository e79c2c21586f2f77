import { z } from "zod";
import { countryCode, isoDate } from "./billing-inputs";

// Inputs of the tenant's tax settings (#18): OSS, its own VAT registrations and its VAT rate overrides. Shared by tRPC,
// REST and the Settings form. The VAT id's per-country format (lib/vat-id-formats.ts) is checked by the service, and by
// the Settings form before it sends anything.

export const VAT_RATE_TYPES = ["STANDARD", "REDUCED"] as const;

export const vatRegistrationInput = z
  .object({
    country: countryCode.describe("the member state the tenant is registered in for VAT itself, e.g. FR"),
    vatId: z
      .string({ error: "must be a VAT id, e.g. FR12345678901" })
      .trim()
      .min(4, "must be a VAT id, e.g. FR12345678901")
      .max(20, "at most 20 characters")
      .describe("the tenant's VAT id in that member state, in the country's format, e.g. FR12345678901"),
  })
  .strict();

export const taxSettingsInput = z
  .object({
    ossRegistered: z
      .boolean()
      .describe("registered for the One-Stop-Shop: electronic services and goods sold to EU consumers are taxed at the destination's rate"),
    vatRegistrations: z
      .array(vatRegistrationInput)
      .max(27, "at most 27 registrations")
      .describe("other member states where the tenant is registered for VAT itself (destination rates apply there without OSS)"),
  })
  .strict()
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.vatRegistrations.forEach((r, i) => {
      if (seen.has(r.country)) ctx.addIssue({ code: "custom", path: ["vatRegistrations", i, "country"], message: `${r.country} is listed twice` });
      seen.add(r.country);
    });
  });
export type TaxSettingsInput = z.input<typeof taxSettingsInput>;

const rate = z
  .string({ error: 'must be a percentage as a decimal string, e.g. "19.00"' })
  .trim()
  .regex(/^\d{1,2}(\.\d{1,2})?$/, 'must be a percentage from 0 to 99.99 with at most 2 decimals, e.g. "19" or "5.5"');

export const vatRateKeyInput = z
  .object({
    country: countryCode.describe("the country the rate applies in"),
    rateType: z.enum(VAT_RATE_TYPES, { error: "must be STANDARD or REDUCED" }).describe("STANDARD or REDUCED (the charge's tax class picks one)"),
    validFrom: isoDate.describe("valid from this date (YYYY-MM-DD) until the next rate of the same country and type"),
  })
  .strict();

export const vatRateInput = vatRateKeyInput
  .extend({ rate: rate.describe("the rate in percent, e.g. 19.00; wins over the shipped EU rate from its date") })
  .strict();
export type VatRateInput = z.input<typeof vatRateInput>;
