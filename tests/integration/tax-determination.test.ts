import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { builtinTaxEngine } from "@/server/tax/builtin-engine";
import { EU_VAT_RATES } from "@/server/tax/eu-vat-data";
import type { CustomerType, TaxClass, TaxInput, TaxSeller, VatCategoryCode } from "@/server/tax/tax-engine";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { createTenantWithUser } from "@/tests/support/factories";

// Every rule of the built-in VAT determination, case by case (the SQL the lines stage runs, over a VALUES list).

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const DE: TaxSeller = { country: "DE", ossRegistered: false, vatRegistrations: [] };
const DE_OSS: TaxSeller = { ...DE, ossRegistered: true };
const DE_REG_FR: TaxSeller = { ...DE, vatRegistrations: ["FR"] };
const US: TaxSeller = { country: "US", ossRegistered: false, vatRegistrations: [] };
const IC: TaxSeller = { country: "IC", ossRegistered: false, vatRegistrations: [] };

type Case = {
  name: string;
  seller: TaxSeller;
  buyer: [country: string | null, type: CustomerType, vatId: string | null];
  taxClass: TaxClass;
  exemption?: [code: string | null, text: string | null];
  date?: string;
  chargeRate?: string;
  want: [category: VatCategoryCode, rate: string, code: string | null] | { error: RegExp; category: VatCategoryCode; rate: string };
};

const B = "BUSINESS" as const;
const C = "CONSUMER" as const;
const cases: Case[] = [
  // domestic
  { name: "domestic business, standard", seller: DE, buyer: ["DE", B, "DE123456789"], taxClass: "STANDARD", want: ["S", "19.00", null] },
  { name: "domestic consumer, reduced", seller: DE, buyer: ["DE", C, null], taxClass: "REDUCED", want: ["S", "7.00", null] },
  { name: "domestic, zero-rated", seller: DE, buyer: ["DE", B, null], taxClass: "ZERO", want: ["Z", "0.00", null] },
  { name: "domestic electronic service is standard-rated", seller: DE_OSS, buyer: ["DE", C, null], taxClass: "ELECTRONIC_SERVICE", want: ["S", "19.00", null] },
  { name: "exempt with a VATEX reason", seller: DE, buyer: ["DE", B, null], taxClass: "EXEMPT", exemption: ["VATEX-EU-132-1I", null], want: ["E", "0.00", "VATEX-EU-132-1I"] },
  // supplied outside the EU: out of scope, like every other line of that invoice (EN 16931 BR-O-11 allows no E beside O)
  { name: "exempt at home, for a buyer outside the EU → not subject", seller: DE, buyer: ["US", B, null], taxClass: "EXEMPT", exemption: [null, "Exempt education"], want: ["O", "0.00", "VATEX-EU-O"] },
  { name: "exempt for an EU buyer stays exempt", seller: DE, buyer: ["FR", B, "FR12345678901"], taxClass: "EXEMPT", exemption: [null, "Exempt education"], want: ["E", "0.00", null] },
  // intra-EU business
  { name: "EU business with VAT id, services → reverse charge", seller: DE, buyer: ["FR", B, "FR12345678901"], taxClass: "STANDARD", want: ["AE", "0.00", "VATEX-EU-AE"] },
  { name: "EU business with VAT id, electronic service → reverse charge", seller: DE_OSS, buyer: ["NL", B, "NL123456789B01"], taxClass: "ELECTRONIC_SERVICE", want: ["AE", "0.00", "VATEX-EU-AE"] },
  { name: "EU business with VAT id, goods → intra-community supply", seller: DE, buyer: ["AT", B, "ATU12345678"], taxClass: "GOODS", want: ["K", "0.00", "VATEX-EU-IC"] },
  { name: "EU business with VAT id, zero-rated class → still reverse charge", seller: DE, buyer: ["FR", B, "FR12345678901"], taxClass: "ZERO", want: ["AE", "0.00", "VATEX-EU-AE"] },
  { name: "EU VAT id written with spaces and lower case", seller: DE, buyer: ["NL", B, "nl 123456789 b01"], taxClass: "STANDARD", want: ["AE", "0.00", "VATEX-EU-AE"] },
  { name: "Greek VAT id with the EL prefix", seller: DE, buyer: ["GR", B, "EL123456789"], taxClass: "STANDARD", want: ["AE", "0.00", "VATEX-EU-AE"] },
  { name: "EU business without VAT id → seller's VAT", seller: DE, buyer: ["FR", B, null], taxClass: "STANDARD", want: ["S", "19.00", null] },
  // intra-EU consumer
  { name: "EU consumer, electronic service, OSS → destination rate", seller: DE_OSS, buyer: ["NL", C, null], taxClass: "ELECTRONIC_SERVICE", want: ["S", "21.00", null] },
  { name: "EU consumer, electronic service, no OSS → seller's rate", seller: DE, buyer: ["NL", C, null], taxClass: "ELECTRONIC_SERVICE", want: ["S", "19.00", null] },
  { name: "EU consumer, electronic service, registered there → destination rate", seller: DE_REG_FR, buyer: ["FR", C, null], taxClass: "ELECTRONIC_SERVICE", want: ["S", "20.00", null] },
  { name: "EU consumer, general service under OSS → seller's rate", seller: DE_OSS, buyer: ["AT", C, null], taxClass: "STANDARD", want: ["S", "19.00", null] },
  { name: "EU consumer, goods under OSS → destination standard rate", seller: DE_OSS, buyer: ["AT", C, null], taxClass: "GOODS", want: ["S", "20.00", null] },
  { name: "EU consumer, reduced goods under OSS → destination reduced rate", seller: DE_OSS, buyer: ["AT", C, null], taxClass: "GOODS_REDUCED", want: ["S", "10.00", null] },
  { name: "EU consumer with a malformed VAT id is not checked", seller: DE, buyer: ["FR", C, "FR123"], taxClass: "STANDARD", want: ["S", "19.00", null] },
  { name: "dated rates: FI reduced before 2026", seller: DE_OSS, buyer: ["FI", C, null], taxClass: "GOODS_REDUCED", date: "2025-12-31", want: ["S", "14.00", null] },
  { name: "dated rates: FI reduced from 2026", seller: DE_OSS, buyer: ["FI", C, null], taxClass: "GOODS_REDUCED", date: "2026-01-01", want: ["S", "13.50", null] },
  // outside the EU VAT area
  { name: "non-EU business, services → not subject (O)", seller: DE, buyer: ["US", B, null], taxClass: "STANDARD", want: ["O", "0.00", "VATEX-EU-O"] },
  { name: "non-EU consumer, electronic service → O", seller: DE_OSS, buyer: ["CH", C, null], taxClass: "ELECTRONIC_SERVICE", want: ["O", "0.00", "VATEX-EU-O"] },
  { name: "non-EU, goods → export (G)", seller: DE, buyer: ["US", C, null], taxClass: "GOODS", want: ["G", "0.00", "VATEX-EU-G"] },
  { name: "Canary Islands business → O", seller: DE, buyer: ["IC", B, "ESB12345678"], taxClass: "STANDARD", want: ["O", "0.00", "VATEX-EU-O"] },
  { name: "Canary Islands consumer under OSS → O", seller: DE_OSS, buyer: ["IC", C, null], taxClass: "ELECTRONIC_SERVICE", want: ["O", "0.00", "VATEX-EU-O"] },
  { name: "Åland (non-VAT territory) → O", seller: DE, buyer: ["AX", B, null], taxClass: "STANDARD", want: ["O", "0.00", "VATEX-EU-O"] },
  // sellers outside the EU
  { name: "seller outside the EU, domestic: the charge's own rate", seller: US, buyer: ["US", B, null], taxClass: "STANDARD", chargeRate: "8.25", want: ["S", "8.25", null] },
  { name: "seller outside the EU, buyer in the EU → O", seller: US, buyer: ["DE", C, null], taxClass: "ELECTRONIC_SERVICE", want: ["O", "0.00", "VATEX-EU-O"] },
  { name: "seller in the Canary Islands, domestic → IGIC (L)", seller: IC, buyer: ["IC", B, null], taxClass: "STANDARD", want: ["L", "7.00", null] },
  // undeterminable → error (the invoice is REJECTED), the line keeps the seller's domestic VAT
  { name: "no buyer country", seller: DE, buyer: [null, B, "DE123456789"], taxClass: "STANDARD", want: { error: /Buyer country missing/, category: "S", rate: "19.00" } },
  { name: "business with a malformed VAT id", seller: DE, buyer: ["FR", B, "FR123"], taxClass: "STANDARD", want: { error: /VAT id does not have the format of a FR VAT id/, category: "S", rate: "19.00" } },
  { name: "business VAT id of another country's format", seller: DE, buyer: ["NL", B, "DE123456789"], taxClass: "STANDARD", want: { error: /format of a NL VAT id/, category: "S", rate: "19.00" } },
  { name: "exempt charge without a reason", seller: DE, buyer: ["DE", B, null], taxClass: "EXEMPT", want: { error: /names no exemption reason/, category: "S", rate: "19.00" } },
  { name: "destination without a reduced rate (DK)", seller: DE_OSS, buyer: ["DK", C, null], taxClass: "GOODS_REDUCED", want: { error: /No reduced VAT rate for DK/, category: "S", rate: "19.00" } },
];

const input = (c: Case): TaxInput => ({
  buyerCountry: c.buyer[0],
  customerType: c.buyer[1],
  buyerVatId: c.buyer[2],
  taxClass: c.taxClass,
  chargeRate: c.chargeRate ?? "19.00",
  exemptionCode: c.exemption?.[0] ?? null,
  exemptionReason: c.exemption?.[1] ?? null,
});

describe("built-in VAT determination", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const [got] = await builtinTaxEngine(database.db, "no-tenant").determine(c.seller, c.date ?? "2026-11-30", [input(c)]);
    if (Array.isArray(c.want)) {
      expect([got.category, got.rate, got.exemptionCode, got.error]).toEqual([...c.want, null]);
      // categories without VAT carry a reason text, taxed ones none
      expect(got.exemptionReason === null).toBe(["S", "Z", "L", "M"].includes(got.category));
    } else {
      expect(got.error).toMatch(c.want.error);
      expect([got.category, got.rate]).toEqual([c.want.category, c.want.rate]);
    }
  });

  it("answers many lines at once in input order", async () => {
    const got = await builtinTaxEngine(database.db, "no-tenant").determine(DE, "2026-11-30", cases.filter((c) => c.seller === DE).map(input));
    expect(got.map((g) => g.category)).toEqual(
      cases.filter((c) => c.seller === DE).map((c) => (Array.isArray(c.want) ? c.want[0] : c.want.category)),
    );
  });

  it("exemption texts: the charge's own, else the VATEX code's, printed once", async () => {
    const [own, coded, reverse] = await builtinTaxEngine(database.db, "no-tenant").determine(DE, "2026-11-30", [
      input({ ...cases[0], taxClass: "EXEMPT", exemption: ["VATEX-EU-132-1I", "Exempt education service"] }),
      input({ ...cases[0], taxClass: "EXEMPT", exemption: ["VATEX-EU-132-1I", null] }),
      input({ ...cases[0], buyer: ["FR", B, "FR12345678901"] }),
    ]);
    expect(own.exemptionReason).toBe("Exempt education service");
    expect(coded.exemptionReason).toMatch(/article 132, section 1 \(i\)/);
    expect(reverse.exemptionReason).toBe("Reverse charge — Article 196 of Council Directive 2006/112/EC");
  });

  it("a tenant's own rate wins over the shipped one, other tenants keep the shipped rate", async () => {
    const member = await createTenantWithUser(database.db);
    await database.db.execute(
      sql`INSERT INTO vat_rates (tenant_id, country, rate_type, rate, valid_from) VALUES (${member.tenantId}, 'DE', 'STANDARD', 16.00, '2020-07-01')`,
    );
    const standard = input(cases[0]);
    const [own] = await builtinTaxEngine(database.db, member.tenantId).determine(DE, "2026-11-30", [standard]);
    const [other] = await builtinTaxEngine(database.db, "another-tenant").determine(DE, "2026-11-30", [standard]);
    expect([own.category, own.rate, other.rate]).toEqual(["S", "16.00", "19.00"]);
  });

  it("the migration seeds exactly the shipped EU rates", async () => {
    const rows = await queryRows<{ country: string; rate_type: string; rate: string; valid_from: string }>(
      database.db,
      sql`SELECT country::text AS country, rate_type, rate::text AS rate, valid_from::text AS valid_from FROM vat_rates
          WHERE tenant_id IS NULL ORDER BY country, rate_type, valid_from`,
    );
    const shipped = [...EU_VAT_RATES]
      .map(([country, rate_type, rate, valid_from]) => ({ country, rate_type, rate, valid_from }))
      .sort((a, b) => `${a.country}${a.rate_type}${a.valid_from}`.localeCompare(`${b.country}${b.rate_type}${b.valid_from}`));
    expect(rows).toEqual(shipped);
  });
});
