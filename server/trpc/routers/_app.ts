import { createCallerFactory, createTRPCRouter } from "../init";
import { billingRunsRouter } from "./billing-runs";
import { invoicesRouter } from "./invoices";
import { outboxRouter } from "./outbox";
import { reviewRouter } from "./review";
import { schedulesRouter } from "./schedules";
import { settingsRouter } from "./settings";
import { viewerRouter } from "./viewer";

export const appRouter = createTRPCRouter({
  viewer: viewerRouter,
  billingRuns: billingRunsRouter,
  invoices: invoicesRouter,
  settings: settingsRouter,
  outbox: outboxRouter,
  review: reviewRouter,
  schedules: schedulesRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
