import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Db } from "@/db/client";
import { roleAllows, type Permission } from "@/server/auth/roles";
import type { Viewer } from "@/server/auth/viewer";
import { DomainError, issuesFromZod, type FieldIssue } from "@/server/errors";

export type TrpcContext = { db: Db; viewer: Viewer | null };

export async function createTrpcContext(opts: { headers: Headers }): Promise<TrpcContext> {
  const { getDb } = await import("@/db");
  const { getViewer } = await import("@/server/auth/viewer");
  const db = await getDb();
  return { db, viewer: await getViewer(db, opts.headers) };
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    let issues: FieldIssue[] = [];
    if (error.cause instanceof ZodError) issues = issuesFromZod(error.cause);
    else if (error.cause instanceof DomainError) issues = error.cause.issues;
    const message = error.cause instanceof ZodError ? describeIssues(issues) : shape.message;
    return { ...shape, message, data: { ...shape.data, issues, stack: undefined } };
  },
});

function describeIssues(issues: FieldIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ") || "Invalid input";
}

/** Domain services throw DomainError; this maps it once to the matching tRPC code. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors);

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
/** admin and above: settings, API keys, webhooks */
export const adminProcedure = requirePermission("administer");
