import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/trpc/routers/_app";
import { callerFor, createTenantWithUser } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

describe("tRPC access", () => {
  it("refuses anonymous callers and users without a tenant", async () => {
    const anonymous = createCaller({ db: database.db, viewer: null });
    expect(await codeOf(anonymous.billingRuns.list({}))).toBe("UNAUTHORIZED");
    const homeless = createCaller({
      db: database.db,
      viewer: { userId: "u", name: "n", email: "e@x.io", tenantId: null, tenantName: null, role: null },
    });
    expect(await codeOf(homeless.billingRuns.list({}))).toBe("FORBIDDEN");
  });

  it("lets a viewer read and answers with field errors for bad input", async () => {
    const viewer = await createTenantWithUser(database.db, { role: "viewer" });
    const caller = callerFor(database.db, viewer);
    await expect(caller.billingRuns.list({})).resolves.toMatchObject({ rows: [], total: 0 });
    const error = await caller.billingRuns.list({ pageSize: 5000 }).catch((e: TRPCError) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
  });
});
