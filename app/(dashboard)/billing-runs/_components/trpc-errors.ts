import { TRPCClientError } from "@trpc/client";

export type FieldIssue = { field: string; message: string };

/** Field issues the server attached to a tRPC error (zod or domain validation), if any. */
export function fieldIssuesOf(error: unknown): FieldIssue[] {
  if (!(error instanceof TRPCClientError)) return [];
  const issues = (error.data as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as FieldIssue[]) : [];
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}
