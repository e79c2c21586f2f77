"use client";

import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { MEMO_MAX, saveInvoiceMemoInput } from "@/lib/billing-inputs";
import { errorDataOf } from "@/lib/error-data";

/**
 * A memo printed on documents (the run's on all its invoices, an invoice's own after it): editable until posting,
 * read-only after. Empty clears it. Validated with the server's schema (lib/billing-inputs.ts).
 */
export function MemoEditor({
  id,
  title,
  description,
  memo,
  editable,
  readOnlyReason,
  pending,
  onSave,
}: {
  id: string;
  title: string;
  description: string;
  memo: string | null;
  editable: boolean;
  readOnlyReason: string;
  pending: boolean;
  /** saves the memo (null clears it); rejects with the server's error */
  onSave: (memo: string | null) => Promise<unknown>;
}) {
  const form = useForm<{ memo: string }>({ defaultValues: { memo: memo ?? "" } });
  const error = form.formState.errors.memo?.message;
  const fieldId = `${id}-memo`;

  async function submit({ memo: text }: { memo: string }) {
    const parsed = saveInvoiceMemoInput.shape.memo.safeParse(text);
    if (!parsed.success) return form.setError("memo", { message: parsed.error.issues[0].message });
    try {
      await onSave(parsed.data);
      form.reset({ memo: parsed.data ?? "" });
    } catch (e) {
      form.setError("memo", { message: errorDataOf(e).issues[0]?.message ?? "was not saved" });
    }
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{editable ? description : readOnlyReason}</CardDescription>
      </CardHeader>
      <CardContent>
        {editable ? (
          <form className="grid gap-2" aria-label={title} noValidate onSubmit={form.handleSubmit(submit)}>
            <Label htmlFor={fieldId}>Memo</Label>
            <Textarea
              id={fieldId}
              rows={3}
              maxLength={MEMO_MAX}
              aria-invalid={!!error}
              aria-describedby={error ? `${fieldId}-error` : undefined}
              placeholder="e.g. Our bank details change on 1 January."
              {...form.register("memo")}
            />
            {error && (
              <p id={`${fieldId}-error`} className="text-sm text-destructive">
                {error}
              </p>
            )}
            <div>
              <Button type="submit" disabled={pending || !form.formState.isDirty}>
                Save memo
              </Button>
            </div>
          </form>
        ) : (
          <p className="text-sm whitespace-pre-wrap">{memo ?? <span className="text-muted-foreground">No memo.</span>}</p>
        )}
      </CardContent>
    </Card>
  );
}
