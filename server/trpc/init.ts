import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Db } from "@/db/client";
import { roleAllows, type Permission } from "@/server/auth/roles";
import type { Viewer } from "@/server/auth/viewer";
import { classifyError, type ClassifiedError } from "@/server/error-classifier";

export type TrpcContext = { db: Db; viewer: Viewer | null };

export async function createTrpcContext(opts: { headers: Headers }): Promise<TrpcContext> {
  const { getDb } = await import("@/db");
  const { getViewer } = await import("@/server/auth/viewer");
  const db = await getDb();
  return { db, viewer: await getViewer(db, opts.headers) };
}

/** A TRPCError made from a classified error (see classifyErrors below); it carries the classification to the formatter. */
class ClassifiedTRPCError extends TRPCError {
  constructor(
    readonly classified: ClassifiedError,
    cause: unknown,
  ) {
    super({ code: classified.code, message: classified.message, cause });
  }
}

/** The classification behind a tRPC error, if it has one the client should see (issues, retryable). */
function classificationOf(error: TRPCError): ClassifiedError | null {
  if (error instanceof ClassifiedTRPCError) return error.classified;
  // input validation: tRPC throws BAD_REQUEST with the ZodError as cause
  if (error.cause instanceof ZodError) return classifyError(error.cause);
  // an error no procedure middleware saw (context creation…): never show its text
  if (error.code === "INTERNAL_SERVER_ERROR") return classifyError(undefined);
  return null;
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const classified = classificationOf(error);
    return {
      ...shape,
      message: classified?.message ?? shape.message,
      data: {
        ...shape.data,
        issues: classified?.issues ?? [],
        retryable: classified?.retryable ?? false,
        ...(classified?.retryAfterSeconds ? { retryAfterSeconds: classified.retryAfterSeconds } : {}),
        stack: undefined,
      },
    };
  },
});

/**
 * Maps what procedures throw through the classifier shared with REST (server/error-classifier.ts): DomainError,
 * ZodError and database errors (races → CONFLICT, retryable) get their code; anything else becomes an
 * INTERNAL_SERVER_ERROR with a generic message (logged once, by the route's onError, with the original as cause).
 * A TRPCError a procedure or middleware throws itself keeps its code and message.
 */
const classifyErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const { error } = result;
  // tRPC wraps anything that is not a TRPCError as INTERNAL_SERVER_ERROR with the thrown value as cause.
  if (error instanceof ClassifiedTRPCError || error.code !== "INTERNAL_SERVER_ERROR" || error.cause === undefined || error.cause instanceof TRPCError) {
    return result;
  }
  throw new ClassifiedTRPCError(classifyError(error.cause), error.cause);
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(classifyErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { ...ctx, viewer: ctx.viewer } });
});

/** Narrows the context to one tenant: every tenant query uses ctx.tenantId. */
export const tenantProcedure = protectedProcedure.use(({ ctx, next }) => {
  const { tenantId, role } = ctx.viewer;
  if (!tenantId || !role) throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of any organization" });
  return next({ ctx: { ...ctx, tenantId, role, actor: { type: "USER" as const, userId: ctx.viewer.userId } } });
});

const requirePermission = (permission: Permission) =>
  tenantProcedure.use(({ ctx, next }) => {
    if (!roleAllows(ctx.role, permission)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Your role (${ctx.role}) does not allow this action` });
    }
    return next();
  });

/** viewer and above: read-only */
export const readProcedure = requirePermission("read");
/** operator and above: process, post, cancel, bulk actions */
export const operatorProcedure = requirePermission("operate");
/** approver and above: approve a run waiting for approval (never the user who asked to post it) */
export const approverProcedure = requirePermission("approve");
/** admin and above: settings, API keys, webhooks */
export const adminProcedure = requirePermission("administer");
