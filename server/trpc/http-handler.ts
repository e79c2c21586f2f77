import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { problemResponse } from "@/server/api/problem";
import type { AuthOrigins } from "@/server/auth/auth";
import { assertSameSite } from "@/server/auth/cross-site";
import { log } from "@/server/log";
import type { TrpcContext } from "./init";
import { appRouter } from "./routers/_app";

/**
 * /api/trpc: the dashboard's procedures, authenticated by the session cookie. Mutations (POST) sent cross-site are
 * refused with 403 before any context is built (CSRF; see server/auth/cross-site.ts).
 */
export async function handleTrpcRequest(
  request: Request,
  createContext: () => Promise<TrpcContext>,
  origins?: AuthOrigins,
): Promise<Response> {
  try {
    assertSameSite(request, origins);
  } catch (error) {
    return problemResponse(error, new URL(request.url).pathname);
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext,
    onError: ({ error, path }) => {
      // the one log line of an unexpected error (the client only sees the generic message of the classifier)
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error.cause ?? error, path }, "trpc: unexpected error");
    },
  });
}
