import { deleteScheduleInput, scheduleInput } from "@/lib/review-inputs";
import { deleteSchedule, listSchedules, saveSchedule } from "@/server/billing/schedules";
import { adminProcedure, createTRPCRouter, readProcedure } from "../init";

// Billing schedules (#19): each cycle's schedule and its next three runs.
export const schedulesRouter = createTRPCRouter({
  list: readProcedure.query(({ ctx }) => listSchedules(ctx.db, ctx.tenantId)),
  save: adminProcedure.input(scheduleInput).mutation(({ ctx, input }) => saveSchedule(ctx.db, ctx.tenantId, input, ctx.actor)),
  delete: adminProcedure.input(deleteScheduleInput).mutation(({ ctx, input }) => deleteSchedule(ctx.db, ctx.tenantId, input, ctx.actor)),
});
