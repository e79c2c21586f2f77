import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import type { MemberRole } from "@/db/schema/enums";
import { waitForInlineJobs } from "@/tests/support/runtime";
import { callerFor, createTenantWithUser, seedSmallTenant } from "@/tests/support/factories";

// Shared helpers of the billing-* integration tests (a seeded tenant, a caller per role; jobs run inline).

export { waitForInlineJobs };

export type TestTenant = Awaited<ReturnType<typeof newTenant>>;

export async function newTenant(db: Db, options: { role?: MemberRole; accounts?: number; items?: number; creditEvery?: number; seed?: boolean } = {}) {
  const member = await createTenantWithUser(db, { role: options.role ?? "owner" });
  if (options.seed !== false) {
    await seedSmallTenant(db, member, { accounts: options.accounts ?? 10, items: options.items ?? 200, creditEvery: options.creditEvery ?? 0 });
  }
  return { ...member, caller: callerFor(db, member) };
}

/** A second member of the same tenant with another role. */
export async function memberWithRole(db: Db, tenant: { tenantId: string; userId: string }, role: MemberRole) {
  return callerFor(db, { tenantId: tenant.tenantId, userId: tenant.userId, role });
}

export const cycleRun = (billingCycleId: string, overrides: Record<string, unknown> = {}) => ({
  type: "CYCLE" as const,
  billingCycleId,
  invoiceDate: "2026-11-01",
  cutoffDate: "2026-11-01",
  ...overrides,
});

export async function one<T>(db: Db, query: ReturnType<typeof sql>): Promise<T> {
  const rows = await queryRows<T>(db, query);
  return rows[0];
}

export async function runState(db: Db, runId: string) {
  return one<{ status: string; failed_step: string | null; disabled: boolean }>(
    db,
    sql`SELECT status, failed_step, disabled FROM billing_runs WHERE id = ${runId}::uuid`,
  );
}

/**
 * Races `competitor` against an uncommitted insert: `insert` runs in a transaction that stays open until the
 * competitor has started and had time to block on it (Postgres) or queue behind it (PGlite); then it commits.
 * Returns the competitor's outcome.
 */
export async function raceAgainstOpenInsert<T>(db: Db, insert: SQL, competitor: () => Promise<T>): Promise<T> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let signal!: () => void;
  const insertedUncommitted = new Promise<void>((resolve) => (signal = resolve));
  const holder = db.transaction(async (tx) => {
    await tx.execute(insert);
    signal();
    await held;
  });
  await Promise.race([insertedUncommitted, holder]);
  const outcome = competitor();
  await new Promise((resolve) => setTimeout(resolve, 300));
  release();
  await holder;
  return outcome;
}
