import { ZodError } from "zod";
import { DomainError, issuesFromZod, type DomainErrorCode, type FieldIssue } from "@/server/errors";

/**
 * The one classification of anything a request can throw, shared by tRPC (server/trpc/init.ts) and REST
 * (server/api/problem.ts): each transport only turns the result into its own envelope (TRPCError, problem+json).
 *
 * - DomainError keeps its code, message and field issues; ZodError is a BAD_REQUEST with field issues.
 * - Database errors are known by their SQLSTATE, looked up through `.cause` chains (drizzle wraps the driver's
 *   error as "Failed query: …" with the pg error in `cause`). Their text (SQL, parameters, trigger messages with
 *   ids) never reaches the client: each class answers with a fixed message.
 * - Everything else is an INTERNAL_SERVER_ERROR with a generic message; the transport logs it once.
 *
 * Classification is pure (no logging), so a transport may call it more than once.
 */

export type ErrorCode = DomainErrorCode | "INTERNAL_SERVER_ERROR";

export type ClassifiedError = {
  code: ErrorCode;
  /** Safe to show to the caller. */
  message: string;
  issues: FieldIssue[];
  /** The same request may succeed if sent again (a lost race), as opposed to a state that refuses it. */
  retryable: boolean;
  retryAfterSeconds?: number;
  /** DomainError extensions (REST adds them to the problem document). */
  extensions?: Record<string, unknown>;
};

export const CONCURRENT_CHANGE_MESSAGE = "A concurrent request changed the same data; retry the request";
export const MALFORMED_VALUE_MESSAGE = "A value is out of range or malformed";
export const FINAL_RECORD_MESSAGE = "The record can no longer be changed: posted invoices, billed items and stored documents are final";
export const RELATED_DATA_MESSAGE = "Related data is missing or still in use";
export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side; the request may be retried";

/** "field: message", plus how many more there are. */
export function describeIssues(issues: FieldIssue[]): string {
  const [first] = issues;
  if (!first) return "Invalid input";
  const head = `${first.field}: ${first.message}`;
  return issues.length > 1 ? `${head} (and ${issues.length - 1} more)` : head;
}

type DbErrorFields = { code: string; constraint?: unknown };

/** The database error (SQLSTATE `code`) in an error or its `.cause` chain, looking through driver/ORM wrappers. */
export function databaseErrorOf(error: unknown): DbErrorFields | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return e as DbErrorFields;
  }
  return undefined;
}

export const sqlStateOf = (error: unknown): string | undefined => databaseErrorOf(error)?.code;

const concurrentChange: ClassifiedError = {
  code: "CONFLICT",
  message: CONCURRENT_CHANGE_MESSAGE,
  issues: [],
  retryable: true,
  retryAfterSeconds: 1,
};

function fixed(code: ErrorCode, message: string): ClassifiedError {
  return { code, message, issues: [], retryable: false };
}

/**
 * SQLSTATEs a request can cause (see db/migrations/*.sql for the triggers that raise them):
 * - 40001 serialization failure, 40P01 deadlock, 23505 unique violation: a concurrent request won the race;
 *   sending the request again sees its result → CONFLICT, retryable after 1 s.
 * - 22xxx data exception: a value validation should have refused (safety net) → BAD_REQUEST.
 * - 23514 check violation: from a CHECK constraint (the error names it) a refused value → BAD_REQUEST; raised by a
 *   trigger (no constraint name: posted invoices, their lines, VAT breakdown and documents, billed items, fixed
 *   keys) a change of something final → CONFLICT, not retryable.
 * - 23503 foreign key violation (also raised by the tenant-reference triggers of 0004/0006) and 23001 restrict
 *   violation (a tenant with posted invoices cannot be deleted): the related data is missing or still in use →
 *   CONFLICT, not retryable.
 * Others (23502 not null, connection errors…) are bugs or outages → undefined (internal).
 */
function classifyDatabaseError(db: DbErrorFields): ClassifiedError | undefined {
  const state = db.code;
  if (state === "40001" || state === "40P01" || state === "23505") return { ...concurrentChange };
  if (state.startsWith("22")) return fixed("BAD_REQUEST", MALFORMED_VALUE_MESSAGE);
  if (state === "23514") return typeof db.constraint === "string" && db.constraint ? fixed("BAD_REQUEST", MALFORMED_VALUE_MESSAGE) : fixed("CONFLICT", FINAL_RECORD_MESSAGE);
  if (state === "23503" || state === "23001") return fixed("CONFLICT", RELATED_DATA_MESSAGE);
  return undefined;
}

export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof DomainError) {
    return { code: error.code, message: error.message, issues: error.issues, retryable: false, ...(error.extensions ? { extensions: error.extensions } : {}) };
  }
  if (error instanceof ZodError) {
    const issues = issuesFromZod(error);
    return { code: "BAD_REQUEST", message: describeIssues(issues), issues, retryable: false };
  }
  const db = databaseErrorOf(error);
  return (db && classifyDatabaseError(db)) ?? fixed("INTERNAL_SERVER_ERROR", INTERNAL_ERROR_MESSAGE);
}
