import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { revokeApiKey } from "@/server/api/api-keys";
import { postAccounts, postCharges, postRatedItems, postSubscriptions } from "@/server/api/routes/ingest";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, ratedItem, seedMasterData, tableCounts, tenantWithKey } from "./api-support";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const db = () => database.db;
const ingest = (key: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  call(postRatedItems, db(), jsonRequest("POST", "/api/v1/rated-items", { key, body, headers }));

async function itemCount(tenantId: string) {
  const [row] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM rated_items WHERE tenant_id = ${tenantId}`);
  return row.n;
}

describe("API keys", () => {
  it("refuses a missing, malformed, unknown or revoked key with 401 problem+json", async () => {
    const t = await tenantWithKey(db());
    const before = await tableCounts(db());
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /Missing Authorization header/],
      [{ authorization: "Basic abc" }, /must be `Bearer <API key>`/],
      [{ authorization: "Bearer br_live_unknownkeyunknownkeyunknownkey" }, /Unknown or revoked API key/],
      [{ authorization: "Bearer something-else" }, /Unknown or revoked API key/],
    ];
    for (const [headers, message] of cases) {
      const res = await call(postRatedItems, db(), jsonRequest("POST", "/api/v1/rated-items", { headers, body: { items: [ratedItem(1)] } }));
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body).toMatchObject({ status: 401, code: "UNAUTHORIZED", title: expect.any(String), type: expect.stringMatching(/^https:/) });
      expect(res.body.detail).toMatch(message);
      expect(res.body.errors).toEqual([]);
    }
    await revokeApiKey(db(), t.tenantId, { id: t.apiKeyId });
    const revoked = await ingest(t.key, { items: [ratedItem(1)] });
    expect(revoked.status).toBe(401);
    expect(revoked.body.detail).toMatch(/Unknown or revoked/);
    expect(await tableCounts(db())).toEqual(before);
  });

  it("refuses writes to a viewer key with 403", async () => {
    const t = await tenantWithKey(db(), "viewer");
    const res = await ingest(t.key, { items: [ratedItem(1)] });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/role \(viewer\) does not allow/);
  });
});

describe("POST /api/v1/rated-items", () => {
  it("stores a batch once, even when it is sent again", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const items = Array.from({ length: 250 }, (_, n) => ratedItem(n));
    const first = await ingest(t.key, { items });
    expect(first).toMatchObject({ status: 200, body: { received: 250, inserted: 250, duplicates: 0 } });
    const again = await ingest(t.key, { items });
    expect(again).toMatchObject({ status: 200, body: { received: 250, inserted: 0, duplicates: 250 } });
    expect(await itemCount(t.tenantId)).toBe(250);
    const [stored] = await queryRows<{ amount: string; quantity: string; sub: string | null }>(
      db(),
      sql`SELECT amount::text, quantity::text, subscription_id::text AS sub FROM rated_items WHERE tenant_id = ${t.tenantId} AND external_id = 'ITEM-7'`,
    );
    expect(stored).toMatchObject({ amount: "0.300000", quantity: "3.000000" });
    expect(stored.sub).not.toBeNull();
  });

  it("keeps money exact (decimal strings, no float rounding)", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const res = await ingest(t.key, {
      items: [ratedItem(1, { quantity: "99999999999999.999999", unitPrice: "0.000001", amount: "100000000.000000", subscriptionExternalId: undefined })],
    });
    expect(res.status).toBe(200);
    const [row] = await queryRows<{ q: string }>(db(), sql`SELECT quantity::text AS q FROM rated_items WHERE tenant_id = ${t.tenantId}`);
    expect(row.q).toBe("99999999999999.999999");
  });

  it("rejects the whole batch for one invalid row, naming the row, the field and the reason", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const items = Array.from({ length: 100 }, (_, n) => ratedItem(n));
    items[42] = ratedItem(42, { amount: 12.5 });
    items[77] = ratedItem(77, { usageDate: "2026-02-30" });
    const res = await ingest(t.key, { items });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: "items.42.amount", message: expect.stringMatching(/decimal string/) },
      { field: "items.77.usageDate", message: expect.stringMatching(/not a valid calendar date/) },
    ]);
    expect(res.body.detail).toMatch(/^items\.42\.amount: /);
    expect(await itemCount(t.tenantId)).toBe(0);
  });

  it.each([
    ["float amount", { amount: 0.3 }, "amount", /decimal string/],
    ["exponent", { amount: "1e3" }, "amount", /decimal string/],
    ["too many decimals", { unitPrice: "0.1234567" }, "unitPrice", /6 decimals/],
    ["too many digits", { quantity: "123456789012345" }, "quantity", /14 integer digits/],
    ["lowercase currency", { currency: "eur" }, "currency", /ISO 4217/],
    ["empty external id", { externalId: "" }, "externalId", /must not be empty/],
    ["padded external id", { externalId: " X " }, "externalId", /whitespace/],
    ["NUL in description", { description: "a\u0000b" }, "description", /NUL/],
    ["unknown field", { color: "red" }, "(item)", /Unrecognized key/],
    ["missing charge", { chargeCode: undefined }, "chargeCode", /string/],
  ])("refuses %s", async (_name, override, field, message) => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const res = await ingest(t.key, { items: [ratedItem(1), ratedItem(2, override)] });
    expect(res.status).toBe(400);
    const issue = res.body.errors[0];
    expect(issue.field).toBe(field === "(item)" ? "items.1" : `items.1.${field}`);
    expect(issue.message).toMatch(message);
    expect(await itemCount(t.tenantId)).toBe(0);
  });

  it("refuses duplicates inside one batch, empty batches and batches over 10,000 items", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const dup = await ingest(t.key, { items: [ratedItem(1), ratedItem(2), ratedItem(1)] });
    expect(dup.status).toBe(400);
    expect(dup.body.errors).toEqual([{ field: "items.2.externalId", message: "duplicates row 0 of this batch" }]);
    const empty = await ingest(t.key, { items: [] });
    expect(empty.body.errors[0]).toMatchObject({ field: "items", message: "send at least one of items" });
    const big = await ingest(t.key, { items: Array.from({ length: 10_001 }, (_, n) => ratedItem(n)) });
    expect(big.status).toBe(400);
    expect(big.body.errors[0]).toMatchObject({ field: "items", message: "at most 10,000 items per batch" });
    expect(await itemCount(t.tenantId)).toBe(0);
  });

  it("answers an unknown reference with 400 and the row index, storing nothing", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const items = Array.from({ length: 20 }, (_, n) => ratedItem(n));
    items[5] = ratedItem(5, { accountExternalId: "ACC-404" });
    items[9] = ratedItem(9, { chargeCode: "NOPE" });
    items[12] = ratedItem(12, { subscriptionExternalId: "SUB-404" });
    items[15] = ratedItem(15, { accountExternalId: "ACC-1", subscriptionExternalId: "SUB-2" });
    const res = await ingest(t.key, { items });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: "items.5.accountExternalId", message: 'unknown account "ACC-404"' },
      { field: "items.9.chargeCode", message: 'unknown charge "NOPE"' },
      { field: "items.12.subscriptionExternalId", message: 'unknown subscription "SUB-404"' },
      { field: "items.15.subscriptionExternalId", message: 'subscription "SUB-2" belongs to another account than "ACC-1"' },
    ]);
    expect(res.body.detail).toMatch(/4 of 20 items reference records this tenant does not have; nothing was stored/);
    expect(await itemCount(t.tenantId)).toBe(0);
  });

  it("resolves references within the key's tenant only", async () => {
    const a = await tenantWithKey(db());
    const b = await tenantWithKey(db());
    await seedMasterData(db(), a.tenantId);
    // B has no accounts: A's external ids mean nothing to B
    const res = await ingest(b.key, { items: [ratedItem(1)] });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toBe('unknown account "ACC-2"');
    // the same external ids in two tenants are two items
    await seedMasterData(db(), b.tenantId);
    expect((await ingest(a.key, { items: [ratedItem(1)] })).body.inserted).toBe(1);
    expect((await ingest(b.key, { items: [ratedItem(1)] })).body.inserted).toBe(1);
  });

  it("stores each item once when duplicate and overlapping batches arrive concurrently", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const items = Array.from({ length: 500 }, (_, n) => ratedItem(n));
    const reversed = [...items].reverse();
    const overlapping = Array.from({ length: 500 }, (_, n) => ratedItem(n + 250));
    const results = await Promise.all([
      ingest(t.key, { items }),
      ingest(t.key, { items: reversed }),
      ingest(t.key, { items }),
      ingest(t.key, { items: overlapping }),
    ]);
    for (const r of results) expect(r.status).toBe(200);
    expect(results.reduce((sum, r) => sum + r.body.inserted, 0)).toBe(750);
    expect(await itemCount(t.tenantId)).toBe(750);
  });

  it("a batch racing an uncommitted insert of one of its items waits, then stores the others once", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const items = Array.from({ length: 20 }, (_, n) => ratedItem(n));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signal!: () => void;
    const insertedUncommitted = new Promise<void>((resolve) => (signal = resolve));
    // another writer has inserted item 7 (with the same content) and not committed yet
    const seven = items[7];
    const other = db().transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO rated_items (tenant_id, account_id, subscription_id, charge_id, description, quantity, unit_price, amount,
          currency, usage_date, external_id)
        SELECT a.tenant_id, a.id, s.id, c.id, ${seven.description}, ${seven.quantity}::numeric, ${seven.unitPrice}::numeric, ${seven.amount}::numeric,
          ${seven.currency}, ${seven.usageDate}::date, ${seven.externalId}
        FROM customer_accounts a JOIN subscriptions s ON s.account_id = a.id AND s.external_id = ${seven.subscriptionExternalId}
          JOIN charges c ON c.tenant_id = a.tenant_id AND c.code = ${seven.chargeCode}
        WHERE a.tenant_id = ${t.tenantId} AND a.external_id = ${seven.accountExternalId}`);
      signal();
      await held;
    });
    await insertedUncommitted;
    // on Postgres the plain insert blocks on item 7's key, fails once the other commits, and is run again with
    // ON CONFLICT; on PGlite it queues behind the other transaction
    const batch = ingest(t.key, { items });
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await other;
    const res = await batch;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 20, inserted: 19, duplicates: 1 });
    expect(await itemCount(t.tenantId)).toBe(20);
  });

  it("refuses bodies that are not JSON objects", async () => {
    const t = await tenantWithKey(db());
    const before = await tableCounts(db());
    const notJson = await call(postRatedItems, db(), jsonRequest("POST", "/api/v1/rated-items", { key: t.key, rawBody: "{items:" }));
    expect(notJson.status).toBe(400);
    expect(notJson.body.detail).toMatch(/not valid JSON/);
    const text = await call(
      postRatedItems,
      db(),
      jsonRequest("POST", "/api/v1/rated-items", { key: t.key, rawBody: "items=1", headers: { "content-type": "text/plain" } }),
    );
    expect(text.status).toBe(415);
    const empty = await call(postRatedItems, db(), jsonRequest("POST", "/api/v1/rated-items", { key: t.key }));
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/body is empty/);
    const array = await ingest(t.key, [ratedItem(1)]);
    expect(array.status).toBe(400);
    expect(array.body.errors[0].field).toBe("(body)");
    expect(await tableCounts(db())).toEqual(before);
  });
});

describe("strict input: currencies, countries, signs, -0", () => {
  it.each([
    ["ZZZ", /"ZZZ" is not an active ISO 4217 currency code/],
    ["XXX", /"XXX" is not a currency: .*no currency/],
    ["XTS", /"XTS" is not a currency: .*reserved for testing/],
    ["XAU", /"XAU" is not a currency: .*gold/],
    ["HRK", /withdrawn ISO 4217 currency; use EUR/],
  ])("refuses currency %s for items and accounts, naming the field and the reason", async (code, message) => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const before = await tableCounts(db());
    const item = await ingest(t.key, { items: [ratedItem(1), ratedItem(2, { currency: code })] });
    expect(item.status).toBe(400);
    expect(item.body.errors).toEqual([{ field: "items.1.currency", message: expect.stringMatching(message) }]);
    const account = await call(
      postAccounts,
      db(),
      jsonRequest("POST", "/api/v1/accounts", { key: t.key, body: { accounts: [{ externalId: "A-ZZZ", name: "Z", currency: code }] } }),
    );
    expect(account.status).toBe(400);
    expect(account.body.errors).toEqual([{ field: "accounts.0.currency", message: expect.stringMatching(message) }]);
    expect(await tableCounts(db())).toEqual(before);
  });

  it.each([
    ["UK", /"UK" is not an assigned ISO 3166-1 alpha-2 country code; use GB/],
    ["ZZ", /"ZZ" is not an assigned ISO 3166-1 alpha-2 country code/],
    ["XK", /"XK" is not an assigned ISO 3166-1/],
    ["de", /in capitals: "DE"/],
  ])("refuses country %s with the field and the reason", async (country, message) => {
    const t = await tenantWithKey(db());
    const before = await tableCounts(db());
    const res = await call(
      postAccounts,
      db(),
      jsonRequest("POST", "/api/v1/accounts", { key: t.key, body: { accounts: [{ externalId: "A-1", name: "One", currency: "EUR", country }] } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: "accounts.0.country", message: expect.stringMatching(message) }]);
    expect(await tableCounts(db())).toEqual(before);
  });

  it("refuses an amount whose sign or size does not fit quantity × unit price, storing nothing", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const res = await ingest(t.key, {
      items: [
        ratedItem(1),
        ratedItem(2, { quantity: "-5", unitPrice: "1", amount: "5" }),
        ratedItem(3, { quantity: "3", unitPrice: "0.10", amount: "0.40" }),
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: "items.1.amount", message: "has the wrong sign: quantity × unitPrice = -5 × 1 = -5 is negative but the amount 5 is positive" },
      { field: "items.2.amount", message: expect.stringMatching(/^must equal quantity × unitPrice = 3 × 0.10 = 0.3 within 0.0050015 EUR .*; got 0.40$/) },
    ]);
    expect(await itemCount(t.tenantId)).toBe(0);
    // within the tolerance: the product rounded to the cent, a credit, a tier's average price to 6 decimals
    const ok = await ingest(t.key, {
      items: [
        ratedItem(4, { quantity: "3", unitPrice: "0.0125", amount: "0.04" }),
        ratedItem(5, { quantity: "-2", unitPrice: "10", amount: "-20.00" }),
        ratedItem(6, { quantity: "30000", unitPrice: "0.333333", amount: "10000.00" }),
      ],
    });
    expect(ok).toMatchObject({ status: 200, body: { inserted: 3 } });
  });

  it("stores -0 as 0", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const res = await ingest(t.key, { items: [ratedItem(1, { quantity: "-0", unitPrice: "-0.00", amount: "-0.000000" })] });
    expect(res.status).toBe(200);
    const [row] = await queryRows<{ q: string; p: string; a: string }>(
      db(),
      sql`SELECT quantity::text AS q, unit_price::text AS p, amount::text AS a FROM rated_items WHERE tenant_id = ${t.tenantId}`,
    );
    expect(row).toEqual({ q: "0.000000", p: "0.000000", a: "0.000000" });
    // and a re-send with "-0" is the same item, not a conflict
    expect((await ingest(t.key, { items: [ratedItem(1, { quantity: "0", unitPrice: "-0", amount: "0" })] })).body).toMatchObject({ duplicates: 1 });
  });
});

describe("item kinds", () => {
  it("stores each item's kind (none: by sign), refuses a kind its amount's sign contradicts, and a changed kind is a conflict", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const credit = { quantity: "1", unitPrice: "-5", amount: "-5.00" };
    const res = await ingest(t.key, {
      items: [
        ratedItem(1),
        ratedItem(2, { kind: "CHARGE" }),
        ratedItem(3, { ...credit, kind: "DISCOUNT", description: "Loyalty discount" }),
        ratedItem(4, { ...credit, kind: "REFUND" }),
        ratedItem(5, credit),
      ],
    });
    expect(res).toMatchObject({ status: 200, body: { inserted: 5 } });
    const kinds = await queryRows<{ e: string; kind: string | null }>(
      db(),
      sql`SELECT external_id AS e, kind::text AS kind FROM rated_items WHERE tenant_id = ${t.tenantId} ORDER BY external_id`,
    );
    expect(kinds.map((k) => `${k.e} ${k.kind}`)).toEqual(["ITEM-1 null", "ITEM-2 CHARGE", "ITEM-3 DISCOUNT", "ITEM-4 REFUND", "ITEM-5 null"]);

    const before = await tableCounts(db());
    const bad = await ingest(t.key, {
      items: [ratedItem(6, { kind: "CREDIT" }), ratedItem(7, { ...credit, kind: "CHARGE" }), ratedItem(8, { kind: "USAGE" })],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { field: "items.0.amount", message: "must be negative for kind CREDIT; got 0.30" },
      { field: "items.1.amount", message: "must not be negative for kind CHARGE (send a CREDIT, DISCOUNT or REFUND); got -5.00" },
      { field: "items.2.kind", message: "must be one of CHARGE, CREDIT, DISCOUNT, REFUND" },
    ]);
    expect(await tableCounts(db())).toEqual(before);

    // the same item as a REFUND instead of a DISCOUNT is other content
    const changed = await ingest(t.key, { items: [ratedItem(3, { ...credit, kind: "REFUND", description: "Loyalty discount" })] });
    expect(changed.status).toBe(409);
    expect(changed.body.errors).toEqual([{ field: "items.0.kind", message: 'item "ITEM-3" is stored with kind "DISCOUNT", sent "REFUND"' }]);
  });
});

describe("conflicts: a re-sent externalId with other content", () => {
  const ingestWith = (key: string, query: string, body: unknown) =>
    call(postRatedItems, db(), jsonRequest("POST", `/api/v1/rated-items${query}`, { key, body }));
  const stored = (tenantId: string) =>
    queryRows<{ e: string; amount: string; quantity: string; account: string; description: string }>(
      db(),
      sql`SELECT r.external_id AS e, r.amount::text, r.quantity::text, a.external_id AS account, r.description
          FROM rated_items r JOIN customer_accounts a ON a.id = r.account_id WHERE r.tenant_id = ${tenantId} ORDER BY r.external_id`,
    );

  it("answers 409 with each conflicting row's index, the stored and the sent values, and stores nothing of the batch", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const items = Array.from({ length: 5 }, (_, n) => ratedItem(n));
    expect((await ingest(t.key, { items })).status).toBe(200);
    const before = await stored(t.tenantId);
    const counts = await tableCounts(db());
    const resent = [
      ratedItem(0, { amount: "0.300000" }), // same value, other spelling: not a conflict
      ratedItem(1, { quantity: "4", amount: "0.40" }),
      ratedItem(9), // new
      ratedItem(3, { accountExternalId: "ACC-3", subscriptionExternalId: "SUB-3" }),
    ];
    const res = await ingest(t.key, { items: resent });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body.code).toBe("CONFLICT");
    expect(res.body.detail).toMatch(/^2 of 4 items have an externalId this tenant already has with other content; nothing was stored/);
    expect(res.body.errors).toEqual([
      { field: "items.1.quantity", message: 'item "ITEM-1" is stored with quantity "3.000000", sent "4"' },
      { field: "items.1.amount", message: 'item "ITEM-1" is stored with amount "0.300000", sent "0.40"' },
      { field: "items.3.accountExternalId", message: 'item "ITEM-3" is stored with accountExternalId "ACC-1", sent "ACC-3"' },
      { field: "items.3.subscriptionExternalId", message: 'item "ITEM-3" is stored with subscriptionExternalId "SUB-1", sent "SUB-3"' },
    ]);
    expect(res.body.conflicts).toEqual([
      {
        index: 1,
        externalId: "ITEM-1",
        fields: ["quantity", "amount"],
        stored: expect.objectContaining({ accountExternalId: "ACC-2", quantity: "3.000000", unitPrice: "0.100000", amount: "0.300000", usageDate: "2026-10-05" }),
        sent: expect.objectContaining({ accountExternalId: "ACC-2", quantity: "4", unitPrice: "0.10", amount: "0.40" }),
        state: "OPEN",
        billingRunId: null,
        invoiceNumber: null,
      },
      expect.objectContaining({ index: 3, externalId: "ITEM-3", fields: ["accountExternalId", "subscriptionExternalId"], state: "OPEN" }),
    ]);
    expect(await stored(t.tenantId)).toEqual(before);
    expect(await tableCounts(db())).toEqual(counts);
    // identical re-sends stay idempotent
    expect(await ingest(t.key, { items })).toMatchObject({ status: 200, body: { received: 5, inserted: 0, duplicates: 5 } });
  });

  it("?onConflict=update replaces open items in place and inserts the new ones", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    await ingest(t.key, { items: [ratedItem(1), ratedItem(2)] });
    const res = await ingestWith(t.key, "?onConflict=update", {
      items: [ratedItem(1, { quantity: "4", amount: "0.40", description: "Corrected" }), ratedItem(2), ratedItem(3)],
    });
    expect(res).toMatchObject({ status: 200, body: { received: 3, inserted: 1, duplicates: 1, updated: 1 } });
    expect(await stored(t.tenantId)).toEqual([
      { e: "ITEM-1", amount: "0.400000", quantity: "4.000000", account: "ACC-2", description: "Corrected" },
      { e: "ITEM-2", amount: "0.300000", quantity: "3.000000", account: "ACC-3", description: "Usage 2" },
      { e: "ITEM-3", amount: "0.300000", quantity: "3.000000", account: "ACC-1", description: "Usage 3" },
    ]);
  });

  it("?onConflict=update refuses an item claimed by a billing run, with the reason, and stores nothing of the batch", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    await ingest(t.key, { items: [ratedItem(1), ratedItem(2)] });
    const runId = "00000000-0000-4000-8000-000000000001";
    await db().execute(sql`INSERT INTO rated_item_claims (rated_item_id, tenant_id, billing_run_id)
      SELECT id, tenant_id, ${runId}::uuid FROM rated_items WHERE tenant_id = ${t.tenantId} AND external_id = 'ITEM-2'`);
    const before = await stored(t.tenantId);
    const counts = await tableCounts(db());
    const res = await ingestWith(t.key, "?onConflict=update", {
      items: [ratedItem(1, { description: "Corrected 1" }), ratedItem(2, { description: "Corrected 2" }), ratedItem(3)],
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/^1 of 3 items change items that are no longer open \(claimed, billed or canceled\); nothing was stored/);
    expect(res.body.errors).toEqual([
      { field: "items.1.description", message: expect.stringMatching(/^item "ITEM-2" is stored with description "Usage 2", sent "Corrected 2"; not updated: it is claimed by a billing run/) },
    ]);
    expect(res.body.conflicts).toEqual([expect.objectContaining({ index: 1, externalId: "ITEM-2", fields: ["description"], state: "CLAIMED", billingRunId: runId })]);
    expect(await stored(t.tenantId)).toEqual(before);
    expect(await tableCounts(db())).toEqual(counts);
  });

  it("refuses an unknown onConflict value", async () => {
    const t = await tenantWithKey(db());
    const res = await ingestWith(t.key, "?onConflict=overwrite", { items: [ratedItem(1)] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: "onConflict", message: "must be one of reject, update" }]);
  });
});

describe("POST /api/v1/accounts, subscriptions, charges", () => {
  it("upserts accounts by external id and reports created / updated", async () => {
    const t = await tenantWithKey(db());
    const accounts = [
      { externalId: "A-1", name: "One", currency: "EUR" },
      { externalId: "A-2", name: "Two", currency: "USD", billingCycleId: t.billingCycleId, email: "two@example.com" },
    ];
    const first = await call(postAccounts, db(), jsonRequest("POST", "/api/v1/accounts", { key: t.key, body: { accounts } }));
    expect(first).toMatchObject({ status: 200, body: { received: 2, created: 2, updated: 0 } });
    accounts[0].name = "One renamed";
    const second = await call(postAccounts, db(), jsonRequest("POST", "/api/v1/accounts", { key: t.key, body: { accounts } }));
    expect(second.body).toEqual({ received: 2, created: 0, updated: 2 });
    const [row] = await queryRows<{ name: string }>(db(), sql`SELECT name FROM customer_accounts WHERE tenant_id = ${t.tenantId} AND external_id = 'A-1'`);
    expect(row.name).toBe("One renamed");
  });

  it("refuses another tenant's billing cycle and malformed accounts, storing nothing", async () => {
    const a = await tenantWithKey(db());
    const b = await tenantWithKey(db());
    const res = await call(
      postAccounts,
      db(),
      jsonRequest("POST", "/api/v1/accounts", {
        key: a.key,
        body: { accounts: [{ externalId: "A-1", name: "One", currency: "EUR", billingCycleId: b.billingCycleId }] },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: "accounts.0.billingCycleId", message: `unknown billing cycle "${b.billingCycleId}"` }]);
    const bad = await call(
      postAccounts,
      db(),
      jsonRequest("POST", "/api/v1/accounts", { key: a.key, body: { accounts: [{ externalId: "A-1", name: "One", currency: "EUR", email: "nope" }] } }),
    );
    expect(bad.body.errors[0]).toMatchObject({ field: "accounts.0.email" });
    const [row] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM customer_accounts WHERE tenant_id = ${a.tenantId}`);
    expect(row.n).toBe(0);
  });

  it("upserts subscriptions, refusing unknown accounts and moves to another account", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId);
    const post = (subscriptions: unknown[]) =>
      call(postSubscriptions, db(), jsonRequest("POST", "/api/v1/subscriptions", { key: t.key, body: { subscriptions } }));
    expect((await post([{ externalId: "SUB-1", accountExternalId: "ACC-1", name: "Renamed", startDate: "2026-01-01" }])).body).toEqual({
      received: 1,
      created: 0,
      updated: 1,
    });
    const unknown = await post([{ externalId: "SUB-9", accountExternalId: "ACC-9", name: "X", startDate: "2026-01-01" }]);
    expect(unknown.body.errors).toEqual([{ field: "subscriptions.0.accountExternalId", message: 'unknown account "ACC-9"' }]);
    const moved = await post([{ externalId: "SUB-1", accountExternalId: "ACC-2", name: "X", startDate: "2026-01-01" }]);
    expect(moved.body.errors[0].message).toMatch(/already belongs to another account/);
    const dates = await post([{ externalId: "SUB-5", accountExternalId: "ACC-1", name: "X", startDate: "2026-02-01", endDate: "2026-01-01" }]);
    expect(dates.body.errors).toEqual([{ field: "subscriptions.0.endDate", message: "must not be before startDate" }]);
  });

  it("upserts charges with EN 16931 VAT rules", async () => {
    const t = await tenantWithKey(db());
    const post = (charges: unknown[]) => call(postCharges, db(), jsonRequest("POST", "/api/v1/charges", { key: t.key, body: { charges } }));
    const ok = await post([
      { code: "C1", label: "Usage", type: "USAGE", vatRate: "19.00" },
      { code: "C2", label: "Training", type: "ONE_SHOT", vatCategory: "E", vatRate: "0", vatExemptionReason: "Exempt education" },
    ]);
    expect(ok.body).toEqual({ received: 2, created: 2, updated: 0 });
    const bad = await post([{ code: "C3", label: "X", type: "USAGE", vatCategory: "E", vatRate: "19" }]);
    expect(bad.body.errors).toEqual([
      { field: "charges.0.vatRate", message: "must be 0 for VAT category E" },
      { field: "charges.0.vatExemptionReason", message: "is required for VAT category E" },
    ]);
    const type = await post([{ code: "C3", label: "X", type: "MONTHLY", vatRate: "19" }]);
    expect(type.body.errors[0]).toEqual({ field: "charges.0.type", message: "must be one of ONE_SHOT, RECURRING, USAGE" });
  });
});
