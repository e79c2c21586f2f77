import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ingestCase, ratedItem, rng } from "@/tests/integration/api-fuzz-cases";
import { amountFits, fastParseRatedItemBatch, parseRatedItemBatch } from "./rated-items-fast-parse";
import { amountProblem, ingestRatedItemsInput } from "./schemas";

// The fast pass must never accept what the zod schema refuses, nor parse differently; and it must accept what the schema
// accepts (else the cost it saves is not saved). Property-style: generated batches, valid and not, both verdicts compared.

const digits = (min: number, max: number) => fc.array(fc.constantFrom(..."0123456789"), { minLength: min, maxLength: max }).map((d) => d.join(""));
/** Any string DECIMAL accepts: up to 14 integer digits, up to 6 decimals, with or without a sign (zeros too). */
const decimal = fc
  .tuple(fc.boolean(), fc.oneof(digits(1, 3), digits(1, 14), fc.constant("0")), fc.oneof(fc.constant(""), digits(1, 6)))
  .map(([negative, whole, fraction]) => `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`);
const currency = fc.constantFrom("EUR", "USD", "JPY", "KWD", "BHD", "CLP", "ISK", "TND");

/** quantity × unitPrice rounded to the currency and pushed by a few units of 10⁻⁶ (around the tolerance's edge). */
function amountNear(quantity: string, unitPrice: string, currencyCode: string, push: number, digitsOf: number) {
  const product = new Decimal(quantity).times(unitPrice);
  return product.toDecimalPlaces(digitsOf, Decimal.ROUND_HALF_UP).plus(new Decimal(push).times("0.000001")).toFixed();
}
const exponentOf: Record<string, number> = { JPY: 0, CLP: 0, ISK: 0, KWD: 3, BHD: 3, TND: 3 };

describe("amountFits (numbers where exact, BigInt otherwise)", () => {
  it("agrees with amountProblem on generated decimals, near and far from the product", () => {
    fc.assert(
      fc.property(decimal, decimal, decimal, currency, fc.integer({ min: -6000, max: 6000 }), fc.constantFrom("far", "minor unit", "6 decimals"), (q, p, random, c, push, near) => {
        const amount = near === "far" ? random : amountNear(q, p, c, push, near === "minor unit" ? (exponentOf[c] ?? 2) : 6);
        if (!/^-?\d{1,14}(\.\d{1,6})?$/.test(amount)) return; // the product may not be a storable amount
        expect(amountFits(q, p, amount, c), `${q} × ${p} = ${amount} ${c}`).toBe(amountProblem(q, p, amount, c) === null);
      }),
      { numRuns: 20_000, seed: 2026_12_07 },
    );
  }, 120_000);

  it.each([
    ["3", "0.0125", "0.04", "EUR", true], // within half a cent
    ["3", "0.0125", "0.0425", "EUR", true], // 0.005 off: exactly at the tolerance (plus 0.0000015)
    ["3", "0.0125", "0.042502", "EUR", false],
    ["99999999999999", "99999999999999", "1", "EUR", false], // product beyond 2⁵³: BigInt decides
    ["1", "99999999999999.999999", "99999999999999.999999", "EUR", true],
    ["-1", "99999999999999.999999", "-99999999999999.999999", "EUR", true],
    ["0", "5", "0", "EUR", true],
    ["-5", "1", "5", "EUR", false],
  ])("%s × %s = %s %s fits: %s", (q, p, a, c, fits) => {
    expect(amountProblem(q, p, a, c) === null).toBe(fits);
    expect(amountFits(q, p, a, c)).toBe(fits);
  });
});

const id = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,30}[A-Za-z0-9]$/) },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 205, unit: "grapheme" }) },
  { weight: 1, arbitrary: fc.string({ minLength: 0, maxLength: 10, unit: "binary" }) },
  { weight: 1, arbitrary: fc.constantFrom("", " x", "x ", "a\u00a0", "\u3000a", "a\tb", "é-1", "\ud800", "x".repeat(200), "x".repeat(201), "a\u007fb") },
);
const description = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 510, unit: "grapheme" }) },
  { weight: 1, arbitrary: fc.constantFrom("  padded  ", "\u3000x\u3000", "", " ", "x".repeat(500), ` ${"x".repeat(500)} `, "x".repeat(501), "a\u0000b", "\ud83d") },
);
const date = fc.oneof(
  { weight: 4, arbitrary: fc.date({ min: new Date("0001-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`),
  },
  { weight: 1, arbitrary: fc.constantFrom("2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "2026-1-1", "2026-01-01T00:00:00Z", "") },
);
const oddDecimal = fc.constantFrom("-0", "-0.000", "0", "1e3", ".5", "1.", "+1", "00001.50", "123456789012345", "0.1234567", " 1", 1, null);
const kinds = ["CHARGE", "CREDIT", "DISCOUNT", "REFUND"];

const plainDecimal = fc
  .tuple(fc.boolean(), digits(1, 5), fc.oneof(fc.constant(""), digits(1, 6)))
  .map(([negative, whole, fraction]) => `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`);

/** A valid rated item: amount = quantity × unitPrice rounded to the currency, kind (if any) of the amount's sign. */
const validItem = fc
  .record({
    externalId: fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,30}[A-Za-z0-9]$/) }, { weight: 1, arbitrary: fc.constantFrom("é-1", "x".repeat(200), "Ü\u{1F600}") }),
    accountExternalId: fc.constantFrom("ACC-1", "Konto 7", "ü"),
    subscriptionExternalId: fc.option(fc.constantFrom("SUB-1", "s"), { nil: undefined }),
    chargeCode: fc.constantFrom("API-CALLS", "C"),
    description: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }).filter((d) => d.trim().length > 0), fc.constantFrom("  padded  ", "\u3000x\u3000", "x".repeat(500))),
    quantity: fc.oneof({ weight: 8, arbitrary: plainDecimal }, { weight: 1, arbitrary: fc.constantFrom("-0", "-0.000", "0", "00001.50") }),
    unitPrice: plainDecimal,
    currency,
    usageDate: date,
    signedKind: fc.option(fc.boolean(), { nil: undefined }),
    keys: fc.constantFrom("plain", "plain", "undefined-optionals"),
  })
  .map(({ signedKind, keys, ...fields }) => {
    const amount = amountNear(fields.quantity, fields.unitPrice, fields.currency, 0, exponentOf[fields.currency] ?? 2);
    const negative = amount.startsWith("-") && !/^-0*(\.0*)?$/.test(amount);
    const out: Record<string, unknown> = { ...fields, amount, kind: signedKind === undefined ? undefined : negative ? (signedKind ? "CREDIT" : "REFUND") : "CHARGE" };
    if (keys !== "undefined-optionals") {
      if (out.subscriptionExternalId === undefined) delete out.subscriptionExternalId;
      if (out.kind === undefined) delete out.kind;
    }
    return out;
  });

/** A rated item of anything-goes fields: mostly invalid, sometimes valid (with sign, key and value variations). */
const anyItem = fc
  .record({
    externalId: id,
    accountExternalId: id,
    subscriptionExternalId: fc.option(id, { nil: undefined }),
    chargeCode: id,
    description,
    quantity: fc.oneof({ weight: 8, arbitrary: decimal }, { weight: 1, arbitrary: oddDecimal }),
    unitPrice: fc.oneof({ weight: 8, arbitrary: decimal }, { weight: 1, arbitrary: oddDecimal }),
    currency: fc.oneof({ weight: 8, arbitrary: currency }, { weight: 1, arbitrary: fc.constantFrom("XXX", "ZZZ", "eur", "CLF", "HRK", "XTS", "EURO", 978) }),
    usageDate: date,
    kind: fc.option(fc.constantFrom(...kinds, "credit", null), { nil: undefined, freq: 3 }),
    amountHow: fc.constantFrom("rounded", "rounded", "rounded", "push", "negated", "odd"),
    push: fc.integer({ min: -6000, max: 6000 }),
    oddAmount: oddDecimal,
    keys: fc.constantFrom("plain", "plain", "plain", "undefined-optionals", "extra", "missing", "proto"),
  })
  .map((r) => {
    const { amountHow, push, oddAmount, keys, ...fields } = r;
    const product = (digitsOf: number, by = 0) =>
      typeof fields.quantity === "string" && typeof fields.unitPrice === "string" && /^-?\d/.test(fields.quantity) && /^-?\d/.test(fields.unitPrice) && !/e/.test(fields.quantity + fields.unitPrice)
        ? amountNear(fields.quantity, fields.unitPrice, String(fields.currency), by, digitsOf)
        : "1";
    const exponent = exponentOf[String(fields.currency)] ?? 2;
    const amount =
      amountHow === "rounded" ? product(exponent) : amountHow === "push" ? product(exponent, push) : amountHow === "negated" ? `-${product(exponent)}` : oddAmount;
    const out: Record<string, unknown> = { ...fields, amount };
    if (keys !== "undefined-optionals") {
      if (out.subscriptionExternalId === undefined) delete out.subscriptionExternalId;
      if (out.kind === undefined) delete out.kind;
    }
    if (keys === "extra") out.note = "x";
    if (keys === "missing") delete out.usageDate;
    if (keys === "proto") return Object.assign(Object.create({ inherited: 1 }), out) as Record<string, unknown>;
    return out;
  });
const item = fc.oneof({ weight: 6, arbitrary: validItem }, { weight: 1, arbitrary: anyItem });

const batch = fc.oneof(
  { weight: 10, arbitrary: fc.array(item, { minLength: 1, maxLength: 6 }).map((items) => ({ items })) },
  // a duplicated external id, a hostile value in place of an item or a field, an extra top-level key, an empty batch
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(item, { minLength: 1, maxLength: 4 }), fc.nat(), fc.constantFrom("duplicate", "hostile-item", "hostile-field", "extra", "empty"), fc.anything({ maxDepth: 1 }))
      .map(([items, at, how, hostile]) => {
        const rows = items.map((x) => ({ ...x }));
        const victim = rows[at % rows.length];
        if (how === "duplicate") rows.push({ ...rows[0], externalId: victim.externalId });
        if (how === "hostile-item") rows[at % rows.length] = hostile as Record<string, unknown>;
        if (how === "hostile-field") victim[Object.keys(victim)[at % Object.keys(victim).length]] = hostile;
        if (how === "extra") return { items: rows, extra: hostile };
        if (how === "empty") return { items: [] };
        return { items: rows };
      }),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

function compare(input: unknown) {
  const zod = ingestRatedItemsInput.safeParse(input);
  const fast = fastParseRatedItemBatch(input);
  const shown = () => JSON.stringify(input)?.slice(0, 400);
  expect(fast !== null, `fast ${fast ? "accepted" : "refused"}, zod ${zod.success ? "accepted" : "refused"}: ${shown()}`).toBe(zod.success);
  if (fast) expect(fast, shown()).toStrictEqual(zod.data);
  return zod.success;
}

describe("fast pass over a rated-item batch == the zod schema", () => {
  it("same verdict and same parsed batch on 5,000 generated batches (valid and invalid)", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(batch, (input) => {
        if (compare(input)) accepted++;
        else refused++;
      }),
      { numRuns: 5000, seed: 20_261_207 },
    );
    // both sides of the verdict are exercised in earnest
    expect(accepted).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
  }, 180_000); // ~8 s alone; several times that beside other suites

  it("same verdict on 2,000 cases of the integration fuzz generator (refused but for unknown references, found in SQL)", () => {
    const r = rng(20);
    let refused = 0;
    for (let n = 0; n < 2000; n++) {
      const { body, raw } = ingestCase(r, n);
      const input = raw === undefined ? body : (() => { try { return JSON.parse(raw) as unknown; } catch { return raw; } })();
      if (!compare(input)) refused++;
    }
    expect(refused).toBeGreaterThan(1800);
  }, 120_000);

  it("normalizes as the schema does: trimmed description, -0 as 0, optional keys only when sent", () => {
    const sent = { ...ratedItem(1), description: "  Usage  ", quantity: "-0", amount: "-0.00", kind: undefined };
    const parsed = compare({ items: [sent] }) && fastParseRatedItemBatch({ items: [sent] });
    expect(parsed).toStrictEqual({ items: [{ ...sent, description: "Usage", quantity: "0", amount: "0.00" }] });
  });

  it("gives zod's error when the batch is not valid", () => {
    const input = { items: [ratedItem(1, { currency: "ZZZ" }), ratedItem(2, { quantity: "-5", unitPrice: "1", amount: "5" })] };
    const zod = ingestRatedItemsInput.safeParse(input);
    expect(() => parseRatedItemBatch(input)).toThrow(zod.error!.message);
  });
});
