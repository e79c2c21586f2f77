import { getOutboxMessage, listOutbox, listOutboxInput, outboxMessageInput } from "@/server/notifications/outbox";
import { createTRPCRouter, readProcedure } from "../init";

export const outboxRouter = createTRPCRouter({
  list: readProcedure.input(listOutboxInput).query(({ ctx, input }) => listOutbox(ctx.db, ctx.tenantId, input)),
  get: readProcedure.input(outboxMessageInput).query(({ ctx, input }) => getOutboxMessage(ctx.db, ctx.tenantId, input)),
});
