import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { log } from "@/server/log";
import { createTrpcContext } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/routers/_app";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createTrpcContext({ headers: req.headers }),
    onError: ({ error, path }) => {
      // the one log line of an unexpected error (the client only sees the generic message of the classifier)
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error.cause ?? error, path }, "trpc: unexpected error");
    },
  });

export { handler as GET, handler as POST };
