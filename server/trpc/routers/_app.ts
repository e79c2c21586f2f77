import { createCallerFactory, createTRPCRouter } from "../init";
import { billingRunsRouter } from "./billing-runs";
import { viewerRouter } from "./viewer";

export const appRouter = createTRPCRouter({
  viewer: viewerRouter,
  billingRuns: billingRunsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
