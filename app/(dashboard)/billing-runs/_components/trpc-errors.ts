import { errorDataOf, type FieldIssue } from "@/lib/error-data";

export { errorMessage } from "@/lib/error-data";
export type { FieldIssue };

/** Field issues the server attached to a tRPC error (zod or domain validation), if any. */
export function fieldIssuesOf(error: unknown): FieldIssue[] {
  return errorDataOf(error).issues;
}
