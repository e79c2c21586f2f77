import { classifyError } from "@/server/error-classifier";
import { httpStatusOf, type DomainErrorCode, type FieldIssue } from "@/server/errors";
import { log } from "@/server/log";

/**
 * Errors that only exist at the HTTP layer (unsupported media type, payload too large, idempotency-key reuse…).
 * Domain services never throw these; they throw DomainError.
 */
export type HttpProblemCode =
  | DomainErrorCode
  | "UNPROCESSABLE_CONTENT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "METHOD_NOT_ALLOWED"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_SERVER_ERROR";

const httpOnlyStatus: Record<Exclude<HttpProblemCode, DomainErrorCode>, number> = {
  UNPROCESSABLE_CONTENT: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
};

export class HttpProblem extends Error {
  constructor(
    readonly code: HttpProblemCode,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpProblem";
  }
}

const titles: Record<HttpProblemCode, string> = {
  BAD_REQUEST: "Invalid request",
  UNAUTHORIZED: "Authentication required",
  FORBIDDEN: "Not allowed",
  NOT_FOUND: "Not found",
  CONFLICT: "Conflict with the current state",
  PRECONDITION_FAILED: "A rule blocks this action",
  UNPROCESSABLE_CONTENT: "Unprocessable request",
  PAYLOAD_TOO_LARGE: "Payload too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  METHOD_NOT_ALLOWED: "Method not allowed",
  TOO_MANY_REQUESTS: "Too many requests",
  INTERNAL_SERVER_ERROR: "Internal server error",
};

/** RFC 9457 problem details, plus a stable machine-readable `code`. */
export type ProblemDetails = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: HttpProblemCode;
  errors: FieldIssue[];
  instance?: string;
  /** Extension members (RFC 9457 §3.2), e.g. `conflicts` of a rated-items ingest. */
  [extension: string]: unknown;
};

/** At most this many field errors are listed; `detail` says how many there were. */
const MAX_LISTED_ISSUES = 100;

export const problemTypeUri = (code: HttpProblemCode) => `https://billrun.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`;

export const statusOfCode = (code: HttpProblemCode): number =>
  code in httpStatusOf ? httpStatusOf[code as DomainErrorCode] : httpOnlyStatus[code as Exclude<HttpProblemCode, DomainErrorCode>];

export function problem(code: HttpProblemCode, detail: string, issues: FieldIssue[] = [], instance?: string): ProblemDetails {
  const listed = issues.slice(0, MAX_LISTED_ISSUES);
  const more = issues.length - listed.length;
  return {
    type: problemTypeUri(code),
    title: titles[code],
    status: statusOfCode(code),
    detail: more > 0 ? `${detail} (${issues.length} errors, the first ${listed.length} are listed)` : detail,
    code,
    errors: listed,
    ...(instance ? { instance } : {}),
  };
}

/**
 * The one mapping from anything thrown to a problem document: HttpProblem is the HTTP-only layer; everything else
 * goes through the classifier shared with tRPC (DomainError, ZodError, database races and data errors; the rest is
 * a 500 that hides internals and is logged here, once).
 */
export function toProblem(error: unknown, instance?: string): { problem: ProblemDetails; headers: Record<string, string> } {
  if (error instanceof HttpProblem) return { problem: problem(error.code, error.message, error.issues, instance), headers: error.headers };
  const classified = classifyError(error);
  if (classified.code === "INTERNAL_SERVER_ERROR") log.error({ err: error, instance }, "api: unexpected error");
  const headers: Record<string, string> = classified.retryAfterSeconds ? { "Retry-After": String(classified.retryAfterSeconds) } : {};
  return { problem: { ...classified.extensions, ...problem(classified.code, classified.message, classified.issues, instance) }, headers };
}

export function problemResponse(error: unknown, instance?: string): Response {
  const { problem: body, headers } = toProblem(error, instance);
  return jsonResponse(body.status, body, { "Content-Type": "application/problem+json", ...headers });
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers },
  });
}
