import { z } from "zod";

// Input of "issue a credit note for a posted invoice", shared by tRPC, REST and the dashboard's dialog.

const uuid = z.string().uuid("must be a UUID");
/** A positive decimal amount as a string (exact; never a JS float), e.g. "12.50". */
const positiveAmount = z
  .string({ error: "must be a decimal amount as a string, e.g. \"12.50\"" })
  .regex(/^\d{1,15}(\.\d{1,6})?$/, "must be a positive decimal amount, e.g. \"12.50\"")
  .refine((v) => /[1-9]/.test(v), "must be greater than zero");

export const CREDIT_NOTE_SCOPES = ["WHOLE", "LINES"] as const;
export const MAX_CREDIT_REASON = 500;

export const creditNoteLineInput = z.object({
  /** the line of the invoice (its id as the invoice shows it) */
  lineId: z.string().regex(/^\d{1,18}$/, "must be the id of a line of this invoice"),
  /** how much of the line to credit (excl. VAT, in the line's sign); omitted: all that remains of the line */
  amount: positiveAmount.optional(),
});

export const createCreditNoteInput = z
  .object({
    /** WHOLE: everything that remains uncredited on the invoice; LINES: the chosen lines, each in full or by an amount */
    scope: z.enum(CREDIT_NOTE_SCOPES, { error: "must be WHOLE or LINES" }),
    lines: z.array(creditNoteLineInput).max(10_000).optional(),
    reason: z
      .string({ error: "is required: say why the invoice is corrected" })
      .trim()
      .min(1, "is required: say why the invoice is corrected")
      .max(MAX_CREDIT_REASON, `must be at most ${MAX_CREDIT_REASON} characters`),
    /** post (number) the credit note at once; otherwise it stays a draft until posted */
    post: z.boolean().default(true),
    /**
     * correct and re-bill: once posted, the rated items behind what is credited are billed again by the next run — the
     * whole invoice's, or the chosen lines' (each credited in full: a partial amount cannot release items)
     */
    rebill: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.scope === "LINES" && !v.lines?.length) {
      ctx.addIssue({ code: "custom", path: ["lines"], message: "choose at least one line to credit" });
    }
    if (v.scope === "WHOLE" && v.lines?.length) {
      ctx.addIssue({ code: "custom", path: ["lines"], message: "must be omitted when the whole invoice is credited" });
    }
    const seen = new Set<string>();
    v.lines?.forEach((l, i) => {
      if (seen.has(l.lineId)) ctx.addIssue({ code: "custom", path: ["lines", i, "lineId"], message: "lists this line twice" });
      seen.add(l.lineId);
    });
  });
export type CreateCreditNoteInput = z.input<typeof createCreditNoteInput>;

export const createCreditNoteRequest = z.object({ invoiceId: uuid }).and(createCreditNoteInput);
export const creditNoteIdInput = z.object({ id: uuid });
