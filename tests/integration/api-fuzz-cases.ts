// Generators of malformed ingest batches and run-webhook payloads, shared by the integration fuzz test and the
// contract suite (over HTTP). Every case is invalid by construction.

/** A valid rated item for the master data of seedMasterData (ACC-1…3, SUB-1…3, API-CALLS). */
export function ratedItem(n: number, overrides: Record<string, unknown> = {}, tag = "") {
  return {
    externalId: `${tag}ITEM-${n}`,
    accountExternalId: `ACC-${(n % 3) + 1}`,
    subscriptionExternalId: `SUB-${(n % 3) + 1}`,
    chargeCode: "API-CALLS",
    description: `Usage ${n}`,
    quantity: "3",
    unitPrice: "0.10",
    amount: "0.30",
    currency: "EUR",
    usageDate: "2026-10-05",
    ...overrides,
  };
}

/** Deterministic generator (mulberry32), so a failure can be replayed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

const junkStrings = ["", "   ", "a\u0000b", "\ud800", "x".repeat(600), " padded ", "emoji \u{1F4A9}", "<script>", "'; DROP TABLE rated_items; --"];
const notStrings = [0, 1.5, -1, true, false, null, {}, [], [1], { a: 1 }];
const badDecimals = [1, 1.5, "1e3", "1,5", "", " 1", "abc", "--1", "1.", ".5", "123456789012345", "0.1234567", null, "NaN", "Infinity", "+1", "0x10", true];
// and well-formed codes that are not active currencies: unknown, no currency, testing, metal, SDR, fund, withdrawn
const badCurrencies = ["eur", "EURO", "", 978, null, "E1R", "€", "EU", "ZZZ", "XXX", "XTS", "XAU", "XDR", "CLF", "HRK"];
// amounts that do not fit quantity × unitPrice of ratedItem (3 × 0.10): wrong sign, off by more than the tolerance
const badAmounts = [...badDecimals, "-0.30", "5", "0.31", "0.2949"];
const badDates = ["2026-02-30", "2026-13-01", "26-01-01", "2026/01/01", "", 20260101, null, "2026-1-1", "2026-01-01T00:00:00Z", "tomorrow", "0000-00-00"];
const badIds = ["", " x", "x ", 123, null, "a".repeat(201), "a\u0000b", "\ud800", {}, [], "tab\there"];

const itemFields: Record<string, readonly unknown[]> = {
  externalId: badIds,
  accountExternalId: [...badIds, "UNKNOWN-ACC-1", "ACC-999"],
  subscriptionExternalId: [...badIds, "SUB-404"],
  chargeCode: [...badIds, "NO-SUCH-CHARGE"],
  description: ["", "   ", 5, null, "x".repeat(501), "\u0000", {}, []],
  quantity: badDecimals,
  unitPrice: badDecimals,
  amount: badAmounts,
  currency: badCurrencies,
  usageDate: badDates,
  // unknown kinds, and kinds whose sign the positive amount of ratedItem contradicts
  kind: ["", "credit", "USAGE", "FEE", 1, null, true, {}, "CREDIT", "DISCOUNT", "REFUND"],
};
const required = ["externalId", "accountExternalId", "chargeCode", "description", "quantity", "unitPrice", "amount", "currency", "usageDate"];

export type Case = { body?: unknown; raw?: string; contentType?: string };

export function ingestCase(r: ReturnType<typeof rng>, n: number): Case {
  const kind = r.next();
  if (kind < 0.1) {
    return r.pick<Case>([
      { raw: "{items:" },
      { raw: "" },
      { raw: "nul" },
      { raw: '{"items": [' },
      { body: [] },
      { body: null },
      { body: "items" },
      { body: 42 },
      { body: {} },
      { body: { items: "x" } },
      { body: { items: {} } },
      { body: { items: [] } },
      { body: { items: [ratedItem(n)], extra: 1 } },
      { body: { items: [ratedItem(n)] }, contentType: "text/csv" },
      { body: { items: [[]] } },
      { body: { items: [null] } },
      { body: { items: [ratedItem(n), ratedItem(n)] } },
      { body: { items: [ratedItem(n)], ["\u0000"]: 1 } },
    ]);
  }
  const size = 1 + r.int(5);
  const items: Record<string, unknown>[] = Array.from({ length: size }, (_, i) => ratedItem(n * 10 + i));
  const victim = items[r.int(size)];
  const mutations = 1 + r.int(2);
  for (let m = 0; m < mutations; m++) {
    const how = r.next();
    if (how < 0.15) delete victim[r.pick(required)];
    else if (how < 0.22) victim[`unknown_${r.int(3)}`] = r.pick([...junkStrings, ...notStrings]);
    else {
      const field = r.pick(Object.keys(itemFields));
      victim[field] = r.pick([...itemFields[field], ...(field === "description" ? [] : notStrings.filter((v) => typeof v !== "string"))]);
    }
  }
  return { body: { items } };
}

export function runCase(r: ReturnType<typeof rng>, cycleId: string): Case {
  const base: Record<string, unknown> = { type: "CYCLE", billingCycleId: cycleId, invoiceDate: "2026-11-30", cutoffDate: "2026-11-30" };
  const mutations: (() => void)[] = [
    () => (base.type = r.pick(["", "cycle", "DAILY", 1, null, []])),
    () => (base.invoiceDate = r.pick(badDates)),
    () => (base.cutoffDate = r.pick(badDates)),
    () => delete base[r.pick(["type", "invoiceDate", "cutoffDate"])],
    () => (base.mode = r.pick(["", "FAST", 1, null, "review"])),
    () => (base.onReject = r.pick(["IGNORE", 0, null])),
    () => (base.billingCycleId = r.pick(["", "not-a-uuid", 1, null, "00000000-0000-4000-8000-000000000000"])),
    () => delete base.billingCycleId,
    () => (base.processNow = r.pick(["yes", 1, null, {}, "true"])),
    () => (base.groupBySubscription = r.pick(["no", 0, null])),
    () => (base.dateAggregation = r.pick(["WEEK", "", 3])),
    () => (base.description = r.pick(["", "   ", "x".repeat(501), 5, "a\u0000b", "\ud800"])),
    () => (base.filter = r.pick([{ chargeTypes: ["USAGE"] }, { accountIds: ["x"] }, "all", 5])),
    () => Object.assign(base, { type: "EXCEPTIONAL", filter: r.pick([undefined, {}, { chargeTypes: [] }, { chargeTypes: ["PIZZA"] }, { accountIds: ["nope"] }, { colour: "red" }]) }),
  ];
  if (r.next() < 0.1) return r.pick<Case>([{ raw: "{" }, { raw: "" }, { body: [] }, { body: null }, { body: "run" }, { body: 7 }, { body: {} }]);
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) r.pick(mutations)();
  return { body: base };
}

