import { ZodError } from "zod";
import type { FieldIssue } from "@/lib/error-data";

export type DomainErrorCode =
  | "BAD_REQUEST" // invalid input (field + reason)
  | "UNAUTHORIZED"
  | "FORBIDDEN" // authenticated, but the role does not allow it
  | "NOT_FOUND" // missing, or belongs to another tenant
  | "CONFLICT" // state does not allow it (e.g. "already processing")
  | "PRECONDITION_FAILED"; // a rule blocks it (e.g. rejected invoices remain)

// The wire shape of a field issue lives with the client-side error data (lib/), which must not import server/.
export type { FieldIssue };

/** Errors thrown by domain services; classified once (server/error-classifier.ts) for tRPC codes and HTTP statuses alike. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
    /** Extra members of the answer (REST: problem+json extension members), e.g. the rows of an ingest conflict. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found`);
export const conflict = (message: string) => new DomainError("CONFLICT", message);
export const badRequest = (message: string, issues: FieldIssue[] = []) => new DomainError("BAD_REQUEST", message, issues);
export const forbidden = (message: string) => new DomainError("FORBIDDEN", message);

export const httpStatusOf: Record<DomainErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
};

export function issuesFromZod(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join(".") : "(body)",
    message: issue.message,
  }));
}
