import { protectedProcedure, createTRPCRouter } from "../init";

export const viewerRouter = createTRPCRouter({
  me: protectedProcedure.query(({ ctx }) => ctx.viewer),
});
