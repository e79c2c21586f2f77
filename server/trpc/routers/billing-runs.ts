import { listBillingRuns, listRunsInput } from "@/server/billing/run-list";
import { createTRPCRouter, readProcedure } from "../init";

export const billingRunsRouter = createTRPCRouter({
  list: readProcedure.input(listRunsInput).query(({ ctx, input }) => listBillingRuns(ctx.db, ctx.tenantId, input)),
});
