import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe("test database", () => {
  it("runs on the driver TEST_DB asks for", () => {
    const expected = { pglite: "pglite", pg: "node-postgres", neon: "neon" }[process.env.TEST_DB ?? "pglite"];
    expect(database.driver).toBe(expected);
  });

  it("is migrated and rounds money half-up in numeric", async () => {
    const rows = await queryRows<{ driver: string; r: string; exp: number }>(
      database.db,
      sql`SELECT round(2.345::numeric, currency_exponent('EUR')) AS r, currency_exponent('JPY') AS exp`,
    );
    expect(rows[0].r).toBe("2.35");
    expect(Number(rows[0].exp)).toBe(0);
  });

  it("gives invoices time-ordered ids (UUID version 7): a later invoice sorts after an earlier one", async () => {
    const [{ earlier }] = await queryRows<{ earlier: string }>(database.db, sql`SELECT uuid_v7()::text AS earlier`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [row] = await queryRows<{ later: string; version: string; variant: string; default_expr: string; unique_ids: number }>(
      database.db,
      sql`SELECT v.later, substr(v.later, 15, 1) AS version, substr(v.later, 20, 1) AS variant,
            (SELECT column_default FROM information_schema.columns WHERE table_name = 'invoices' AND column_name = 'id') AS default_expr,
            (SELECT count(DISTINCT uuid_v7()) FROM generate_series(1, 1000))::int AS unique_ids
          FROM (SELECT uuid_v7()::text AS later) v`,
    );
    expect(row.version).toBe("7");
    expect(["8", "9", "a", "b"]).toContain(row.variant); // RFC 9562 variant bits kept from gen_random_uuid()
    expect(row.later > earlier).toBe(true);
    // the first 48 bits are the time in milliseconds
    expect(Math.abs(parseInt(row.later.replace(/-/g, "").slice(0, 12), 16) - Date.now())).toBeLessThan(60_000);
    expect(row.unique_ids).toBe(1000);
    expect(row.default_expr).toBe("uuid_v7()");
  });
});
