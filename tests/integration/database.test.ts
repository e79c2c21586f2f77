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
});
