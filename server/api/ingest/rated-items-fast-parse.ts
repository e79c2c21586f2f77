import { lineKind } from "@/db/schema/enums";
import { isCalendarDate } from "@/lib/billing-inputs";
import { ISO_4217_CURRENCIES } from "@/lib/iso-codes";
import { currencyExponent } from "@/lib/money";
import {
  amountProblem,
  DECIMAL,
  externalIdProblem,
  ingestRatedItemsInput,
  ratedItemInput,
  kindSignProblem,
  MAX_BATCH,
  storable,
  withoutNegativeZero,
  type IngestRatedItemsInput,
  type RatedItemInput,
} from "./schemas";

// zod's per-field checks cost ~10 µs an item (~100 ms of a 10,000-item batch, most of the app's share of an ingest).
// This is one plain pass with the same rules as ingestRatedItemsInput; it only ever accepts: anything it does not accept
// goes through the zod schema, which gives the errors (field path and reason). The schema stays the one definition of
// the input and of the OpenAPI document; rated-items-fast-parse.test.ts checks on generated batches that both agree
// (verdict and parsed output).

type ParsedBatch = { items: RatedItemInput[] };

/** The batch parsed as ingestRatedItemsInput would parse it; zod's error (a ZodError) when it is not valid. */
export function parseRatedItemBatch(input: IngestRatedItemsInput | unknown): ParsedBatch {
  return fastParseRatedItemBatch(input) ?? ingestRatedItemsInput.parse(input);
}

// the schema's own keys: an item with any other key goes to zod (which refuses it)
const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.keys(ratedItemInput.shape));
const KINDS: ReadonlySet<unknown> = new Set(lineKind.enumValues);
// Printable ASCII without a space at either end: an external id that passes externalIdProblem without the regexes.
const PLAIN_ID = /^[!-~](?:[ -~]*[!-~])?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function isExternalId(v: unknown): v is string {
  if (typeof v !== "string" || v.length < 1 || v.length > 200) return false;
  return PLAIN_ID.test(v) || externalIdProblem(v) === null;
}

/** The parsed batch when every item is valid; null when anything is wrong (or not the common case): then zod decides. */
export function fastParseRatedItemBatch(input: unknown): ParsedBatch | null {
  if (!isObject(input)) return null;
  for (const key in input) if (key !== "items") return null;
  const items = input.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BATCH) return null;
  const out = new Array<RatedItemInput>(items.length);
  const ids = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const parsed = fastParseItem(items[i]);
    if (!parsed || ids.has(parsed.externalId)) return null;
    ids.add(parsed.externalId);
    out[i] = parsed;
  }
  return { items: out };
}

function fastParseItem(item: unknown): RatedItemInput | null {
  if (!isObject(item)) return null;
  for (const key in item) if (!KNOWN_KEYS.has(key)) return null;
  const { externalId, accountExternalId, subscriptionExternalId, chargeCode, description, quantity, unitPrice, amount, currency, usageDate, kind } = item;
  if (!isExternalId(externalId) || !isExternalId(accountExternalId) || !isExternalId(chargeCode)) return null;
  if (subscriptionExternalId !== undefined && !isExternalId(subscriptionExternalId)) return null;
  if (typeof description !== "string") return null;
  const text = description.trim();
  if (text.length < 1 || text.length > 500 || !storable(text)) return null;
  if (typeof quantity !== "string" || typeof unitPrice !== "string" || typeof amount !== "string") return null;
  if (!DECIMAL.test(quantity) || !DECIMAL.test(unitPrice) || !DECIMAL.test(amount)) return null;
  if (typeof currency !== "string" || !ISO_4217_CURRENCIES.has(currency)) return null;
  if (typeof usageDate !== "string" || !DATE.test(usageDate) || !isCalendarDate(usageDate)) return null;
  if (kind !== undefined && !KINDS.has(kind)) return null;
  const q = withoutNegativeZero(quantity);
  const p = withoutNegativeZero(unitPrice);
  const m = withoutNegativeZero(amount);
  if (!amountFits(q, p, m, currency)) return null;
  if (kind !== undefined && kindSignProblem(kind as RatedItemInput["kind"] & string, m) !== null) return null;
  // zod's output: the schema's key order; an optional key only when it was sent (a sent undefined stays undefined)
  const parsed: RatedItemInput = { externalId, accountExternalId } as RatedItemInput;
  if ("subscriptionExternalId" in item) parsed.subscriptionExternalId = subscriptionExternalId as string | undefined;
  parsed.chargeCode = chargeCode;
  parsed.description = text;
  parsed.quantity = q;
  parsed.unitPrice = p;
  parsed.amount = m;
  parsed.currency = currency;
  parsed.usageDate = usageDate;
  if ("kind" in item) parsed.kind = kind as RatedItemInput["kind"];
  return parsed;
}

/** A decimal string (DECIMAL) as an integer count of millionths, or NaN when that is not a safe integer (≥ 2⁵³). */
function microsOf(value: string): number {
  const start = value.charCodeAt(0) === 45 ? 1 : 0;
  const dot = value.indexOf(".");
  const whole = Number(dot < 0 ? value.slice(start) : value.slice(start, dot));
  const fraction = dot < 0 ? 0 : Number(value.slice(dot + 1)) * 10 ** (6 - (value.length - dot - 1));
  const n = whole * 1e6 + fraction;
  if (!Number.isSafeInteger(n)) return NaN;
  return start ? -n : n;
}

/** 10^(12 − the currency's exponent): a minor unit in 10⁻¹² units, per currency (currencyExponent normalizes its input). */
const minorUnits = new Map<string, number>();
function minorUnitOf(currency: string): number {
  let unit = minorUnits.get(currency);
  if (unit === undefined) minorUnits.set(currency, (unit = 10 ** (12 - currencyExponent(currency))));
  return unit;
}

/**
 * For DECIMAL strings and an active currency: amountProblem(quantity, unitPrice, amount, currency) === null, decided in exact integer arithmetic on numbers where
 * every value stays a safe integer (below 2⁵³, where doubles are exact integers: no rounding, never a float fraction),
 * and by amountProblem's BigInt arithmetic where one would not. BigInt parsing is ~1 µs a value: most of the fast pass.
 */
export function amountFits(quantity: string, unitPrice: string, amount: string, currency: string): boolean {
  const q = microsOf(quantity);
  const p = microsOf(unitPrice);
  const a = microsOf(amount);
  const product = q * p; // 10⁻¹² units; NaN propagates
  if (Number.isSafeInteger(product)) {
    if (product !== 0 && a !== 0 && product > 0 !== a > 0) return false;
    // |a·10⁶ − product| without forming a·10⁶: product = whole·10⁶ + rest (% and the division are exact here)
    const rest = product % 1e6;
    const whole = (product - rest) / 1e6;
    const wholeDifference = a - whole;
    const scaled = wholeDifference * 1e6;
    const difference = Math.abs(scaled - rest);
    const twiceTolerance = minorUnitOf(currency) + Math.abs(q);
    if (Number.isSafeInteger(wholeDifference) && Number.isSafeInteger(scaled) && Number.isSafeInteger(2 * difference) && Number.isSafeInteger(twiceTolerance)) {
      return 2 * difference <= twiceTolerance;
    }
  }
  return amountProblem(quantity, unitPrice, amount, currency) === null;
}
