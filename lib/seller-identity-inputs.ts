import { z } from "zod";
import { countryCode, currencyCode } from "@/lib/billing-inputs";

// The seller's identity every invoice states (legal name, address, VAT id): completed on the onboarding page by a new
// organization before its first run, and through REST (POST /api/v1/seller-profile). One schema for both.

const requiredText = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `at most ${max} characters`);

export const sellerIdentityInput = z
  .object({
    legalName: requiredText("the legal name", 200).describe("the seller's legal name as invoices state it (BT-27)"),
    addressLine: requiredText("the street address", 200).describe("street and number (BT-35)"),
    city: requiredText("the city", 100).describe("BT-37"),
    postalCode: requiredText("the postal code", 20).describe("BT-38"),
    country: countryCode.describe("ISO 3166-1 alpha-2 country code of the seller's address (BT-40), e.g. DE"),
    vatId: requiredText("the VAT id", 30)
      .regex(/^[A-Z]{2}[0-9A-Z+*.]{2,13}$/, "must be a VAT identifier with its country prefix, e.g. DE123456789")
      .describe("the seller's VAT identifier with country prefix (BT-31), e.g. DE123456789"),
    email: z
      .union([z.literal(""), z.email("must be an e-mail address").max(320)])
      .transform((v) => v || null)
      .nullable()
      .optional()
      .describe("the seller's e-mail address on invoices; empty: none"),
    defaultCurrency: currencyCode.optional().describe("the currency of new accounts (default EUR)"),
  })
  .strict();
export type SellerIdentityInput = z.input<typeof sellerIdentityInput>;
export type SellerIdentity = {
  legalName: string;
  addressLine: string;
  city: string;
  postalCode: string;
  country: string;
  vatId: string;
  email: string | null;
  defaultCurrency: string;
  complete: boolean;
};
