"use client";

import { toNestErrors } from "@hookform/resolvers";
import type { FieldError, FieldValues, Path, Resolver, UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { Label } from "@/components/ui/label";
import { errorDataOf } from "@/lib/error-data";

/** A labelled control with its error below, tied together for screen readers (aria-describedby). */
export function FormField({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className="grid min-w-0 gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}

/** The aria attributes of a control rendered in a FormField. */
export const fieldAria = (id: string, error?: string, hint?: string) => ({
  id,
  "aria-invalid": !!error,
  "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
});

/**
 * Puts the field issues of a failed save (zod or the service: "vatRegistrations.0.vatId") on the form's fields; an
 * issue without a field of the form goes to `root`. Returns whether any issue was placed.
 */
export function showServerIssues<T extends FieldValues>(form: UseFormReturn<T>, error: unknown): boolean {
  const { issues } = errorDataOf(error);
  for (const issue of issues) {
    form.setError((issue.field || "root") as Path<T>, { type: "server", message: sentence(issue.message) });
  }
  return issues.length > 0;
}

const sentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1);

/**
 * Validates a form with the zod schema the server uses (lib/), after turning the form's text fields into the input
 * (`toInput`: "" → null, numbers from text…). Issues land on the form field of the same path.
 */
export function schemaResolver<T extends FieldValues, I>(schema: z.ZodType<unknown, I>, toInput: (values: T) => I): Resolver<T> {
  return async (values, _context, options) => {
    const result = schema.safeParse(toInput(values));
    if (result.success) return { values, errors: {} };
    const flat: Record<string, FieldError> = {};
    for (const issue of result.error.issues) flat[issue.path.join(".") || "root"] ??= { type: issue.code, message: sentence(issue.message) };
    return { values: {}, errors: toNestErrors<T>(flat, options) };
  };
}
