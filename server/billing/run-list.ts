import { and, asc, count, desc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { billingCycles, billingRuns } from "@/db/schema";
import { billingRunStatus, billingRunType } from "@/db/schema/enums";
import { RUN_SORTS } from "@/lib/billing-values";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date (YYYY-MM-DD)");

export const listRunsInput = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(20),
  sort: z.enum(RUN_SORTS).default("number"),
  direction: z.enum(["asc", "desc"]).default("desc"),
  status: z.array(z.enum(billingRunStatus.enumValues)).optional(),
  type: z.array(z.enum(billingRunType.enumValues)).optional(),
  billingCycleId: z.string().uuid().optional(),
  invoiceDateFrom: isoDate.optional(),
  invoiceDateTo: isoDate.optional(),
});
export type ListRunsInput = z.input<typeof listRunsInput>;

/** One page of a tenant's billing runs with the total count, sorted and filtered in SQL. */
export async function listBillingRuns(db: Queryable, tenantId: string, rawInput: ListRunsInput) {
  const input = listRunsInput.parse(rawInput);
  const where: SQL[] = [eq(billingRuns.tenantId, tenantId)];
  if (input.status?.length) where.push(inArray(billingRuns.status, input.status));
  if (input.type?.length) where.push(inArray(billingRuns.type, input.type));
  if (input.billingCycleId) where.push(eq(billingRuns.billingCycleId, input.billingCycleId));
  if (input.invoiceDateFrom) where.push(gte(billingRuns.invoiceDate, input.invoiceDateFrom));
  if (input.invoiceDateTo) where.push(lte(billingRuns.invoiceDate, input.invoiceDateTo));
  const condition = and(...where);
  const order = input.direction === "asc" ? asc : desc;
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: billingRuns.id,
        number: billingRuns.number,
        type: billingRuns.type,
        status: billingRuns.status,
        mode: billingRuns.mode,
        description: billingRuns.description,
        disabled: billingRuns.disabled,
        invoiceDate: billingRuns.invoiceDate,
        cutoffDate: billingRuns.cutoffDate,
        billingCycleName: billingCycles.name,
        invoicesCount: billingRuns.invoicesCount,
        hasFailures: billingRuns.hasFailures,
        totals: billingRuns.totals,
        createdAt: billingRuns.createdAt,
      })
      .from(billingRuns)
      .leftJoin(billingCycles, eq(billingCycles.id, billingRuns.billingCycleId))
      .where(condition)
      .orderBy(order(billingRuns[input.sort]), desc(billingRuns.number))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db.select({ total: count() }).from(billingRuns).where(condition),
  ]);
  return { rows, total, page: input.page, pageSize: input.pageSize };
}

export { formatRunNumber } from "@/lib/run-number";
