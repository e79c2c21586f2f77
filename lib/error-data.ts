// What a client knows about a failed tRPC call. The server's error formatter (server/trpc/init.ts) puts the answer
// of the shared classifier (server/error-classifier.ts) into `error.data`: code, field issues and whether sending
// the same request again may succeed (a lost race). Client-safe: no server imports.

export type FieldIssue = { field: string; message: string };

export type ErrorData = {
  /** tRPC code: BAD_REQUEST, CONFLICT, NOT_FOUND… */
  code: string | undefined;
  issues: FieldIssue[];
  /** The same request may succeed if sent again (a concurrent change won the race). */
  retryable: boolean;
  retryAfterSeconds: number | undefined;
};

export function errorDataOf(error: unknown): ErrorData {
  const raw = error !== null && typeof error === "object" ? (error as { data?: unknown }).data : undefined;
  const data = (raw !== null && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  return {
    code: typeof data.code === "string" ? data.code : undefined,
    issues: Array.isArray(data.issues) ? (data.issues as FieldIssue[]) : [],
    retryable: data.retryable === true,
    retryAfterSeconds: typeof data.retryAfterSeconds === "number" ? data.retryAfterSeconds : undefined,
  };
}

/** The server's message for a failure; a conflict also says what to do about it ("…; try again"). */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error && error.message ? error.message : "Something went wrong";
  const { code, retryable } = errorDataOf(error);
  if ((!retryable && code !== "CONFLICT") || /try again|retry/i.test(message)) return message;
  return retryable ? `${message}; try again` : `${message}; check the current state and try again`;
}
