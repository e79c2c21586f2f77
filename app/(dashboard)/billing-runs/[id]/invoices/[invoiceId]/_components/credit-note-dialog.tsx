"use client";

import Decimal from "decimal.js";
import { Loader2Icon } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { MAX_CREDIT_REASON, type CreateCreditNoteInput } from "@/lib/credit-note-inputs";
import { currencyExponent, formatMoney, roundToMinorUnit } from "@/lib/money";
import type { InvoiceDetail } from "../../../../[id]/_components/types";

// "Issue a credit note" for a posted invoice: the whole invoice, or chosen lines each in full or by an amount; a reason;
// a preview of the totals (VAT per rate as the server computes it, so the preview is what gets issued); then issue and
// post, or save a draft. The server refuses anything over what remains (the dialog shows its field errors).

type Line = InvoiceDetail["lines"][number];
type Choice = { selected: boolean; amount: string };
export type CreditNoteRequest = Omit<CreateCreditNoteInput, "post"> & {
  post: boolean;
};

/** Remaining amount of a line (excl. VAT, positive for an ordinary line); the whole line when nothing was credited. */
const remainingOf = (line: Line, lineRemaining: Record<string, string>) => new Decimal(lineRemaining[line.id] ?? line.amount);

export function CreditNoteDialog({
  open,
  invoice,
  pending,
  serverError,
  onOpenChange,
  onSubmit,
}: {
  open: boolean;
  invoice: InvoiceDetail;
  pending: boolean;
  /** the server's refusal, field by field (e.g. lines.0.amount) */
  serverError: { message: string; fields: Record<string, string> } | null;
  onOpenChange: (open: boolean) => void;
  onSubmit: (request: CreditNoteRequest) => void;
}) {
  return (
    <Dialog open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      {/* no corner X (36 px, too small a target on a phone): Back and Escape close it */}
      <DialogContent className="sm:max-w-2xl" showCloseButton={false}>
        {open && (
          <CreditNoteForm invoice={invoice} pending={pending} serverError={serverError} onBack={() => onOpenChange(false)} onSubmit={onSubmit} />
        )}
      </DialogContent>
    </Dialog>
  );
}

function CreditNoteForm({
  invoice,
  pending,
  serverError,
  onBack,
  onSubmit,
}: {
  invoice: InvoiceDetail;
  pending: boolean;
  serverError: { message: string; fields: Record<string, string> } | null;
  onBack: () => void;
  onSubmit: (request: CreditNoteRequest) => void;
}) {
  const currency = invoice.currency;
  const lineRemaining = invoice.credits?.lineRemaining ?? {};
  const creditable = invoice.lines.filter((l) => !remainingOf(l, lineRemaining).isZero());
  const [scope, setScope] = useState<"WHOLE" | "LINES">("WHOLE");
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [reason, setReason] = useState("");
  const [rebill, setRebill] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const nothingCredited =
    !invoice.credits || (new Decimal(invoice.credits.posted.gross).isZero() && new Decimal(invoice.credits.drafts.gross).isZero());

  const chosen =
    scope === "WHOLE"
      ? creditable.map((line) => ({
          line,
          amount: remainingOf(line, lineRemaining).abs(),
          index: null as number | null,
          partial: false,
        }))
      : creditable
          .filter((line) => choices[line.id]?.selected)
          .map((line, index) => {
            const typed = choices[line.id]?.amount.trim();
            const valid = typed && /^\d+(\.\d+)?$/.test(typed);
            return {
              line,
              amount: valid ? new Decimal(typed) : remainingOf(line, lineRemaining).abs(),
              index,
              partial: !!typed,
            };
          });

  // Re-billing releases the rated items behind what is credited: the whole invoice when nothing was credited yet, or
  // chosen lines each credited in full (a partial amount cannot release items; the server refuses it too).
  const rebillable =
    scope === "WHOLE"
      ? nothingCredited
      : chosen.length > 0 &&
        chosen.every((c) => remainingOf(c.line, lineRemaining).equals(c.line.amount) && c.amount.equals(new Decimal(c.line.amount).abs()));

  // Preview: net per line, VAT per rate rounded once per rate (the server caps the last credit of a rate at what is left).
  const preview = (() => {
    const byRate = new Map<string, { rate: string; taxable: Decimal }>();
    let net = new Decimal(0);
    for (const c of chosen) {
      const signed = new Decimal(c.line.amount).isNegative() ? c.amount.negated() : c.amount;
      net = net.plus(signed);
      const key = `${c.line.vatCategory}|${c.line.vatRate}`;
      const g = byRate.get(key) ?? {
        rate: c.line.vatRate,
        taxable: new Decimal(0),
      };
      g.taxable = g.taxable.plus(signed);
      byRate.set(key, g);
    }
    const tax = [...byRate.values()].reduce((sum, g) => sum.plus(roundToMinorUnit(g.taxable.times(g.rate).div(100), currency)), new Decimal(0));
    return { net, tax, gross: net.plus(tax) };
  })();

  function validate(): Record<string, string> {
    const found: Record<string, string> = {};
    if (!reason.trim()) found.reason = "Say why the invoice is corrected";
    if (scope === "LINES" && chosen.length === 0) found.lines = "Choose at least one line";
    const exponent = currencyExponent(currency);
    for (const c of chosen) {
      const typed = choices[c.line.id]?.amount.trim();
      if (scope !== "LINES" || !typed) continue;
      const key = `line-${c.line.id}`;
      if (!/^\d+(\.\d+)?$/.test(typed) || new Decimal(typed).isZero()) found[key] = "Enter a positive amount";
      else if (new Decimal(typed).decimalPlaces() > exponent) found[key] = `At most ${exponent} decimals in ${currency}`;
      else if (new Decimal(typed).greaterThan(remainingOf(c.line, lineRemaining).abs())) {
        found[key] = `At most ${formatMoney(remainingOf(c.line, lineRemaining).abs(), currency)} remains on this line`;
      }
    }
    return found;
  }

  function submit(post: boolean) {
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length) return;
    onSubmit({
      scope,
      reason: reason.trim(),
      post,
      rebill: rebillable && rebill,
      ...(scope === "LINES"
        ? {
            lines: chosen.map((c) => ({
              lineId: c.line.id,
              ...(c.partial ? { amount: choices[c.line.id].amount.trim() } : {}),
            })),
          }
        : {}),
    });
  }

  // a server field error (lines.<index>.amount) shown at its line
  const serverLineError = (index: number | null) =>
    index === null ? undefined : (serverError?.fields[`lines.${index}.amount`] ?? serverError?.fields[`lines.${index}.lineId`]);

  return (
    <form
      className="grid grid-cols-1 gap-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit(true);
      }}
    >
      <DialogHeader>
        <DialogTitle>Credit note for {invoice.number}</DialogTitle>
        <DialogDescription>
          A posted invoice never changes: a credit note corrects it. It references {invoice.number}, requests no payment and can never credit more
          than remains ({formatMoney(invoice.credits?.remaining.gross ?? invoice.grossTotal, currency)} incl. VAT).
        </DialogDescription>
      </DialogHeader>

      <fieldset className="grid grid-cols-1 gap-2 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-medium">Credit</legend>
        {(
          [
            ["WHOLE", "The whole invoice", "everything that remains uncredited"],
            ["LINES", "Chosen lines", "each in full or by an amount"],
          ] as const
        ).map(([value, title, hint]) => (
          <label
            key={value}
            className="flex min-h-11 cursor-pointer items-start gap-3 rounded-md border py-3 pr-3 pl-4 has-[:checked]:border-primary has-[:checked]:bg-primary/5"
          >
            <input
              type="radio"
              name="credit-scope"
              value={value}
              checked={scope === value}
              onChange={() => setScope(value)}
              className="mt-1 size-4 accent-primary"
            />
            <span className="grid">
              <span className="font-medium">{title}</span>
              <span className="text-xs text-muted-foreground">{hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {scope === "LINES" && (
        <div className="grid grid-cols-1 gap-2" role="group" aria-label="Lines to credit">
          {errors.lines && (
            <p role="alert" className="text-sm text-destructive">
              {errors.lines}
            </p>
          )}
          <ul className="grid max-h-72 grid-cols-1 divide-y overflow-y-auto rounded-md border">
            {creditable.map((line) => {
              const choice = choices[line.id] ?? {
                selected: false,
                amount: "",
              };
              const remaining = remainingOf(line, lineRemaining).abs();
              const index = chosen.findIndex((c) => c.line.id === line.id);
              const error = errors[`line-${line.id}`] ?? serverLineError(index < 0 ? null : index);
              const set = (next: Partial<Choice>) =>
                setChoices((all) => ({
                  ...all,
                  [line.id]: { ...choice, ...next },
                }));
              return (
                <li key={line.id} className="grid grid-cols-1 gap-2 py-2 pr-2 pl-4 sm:grid-cols-[1fr_10rem] sm:items-center">
                  <label className="flex min-h-11 cursor-pointer items-center gap-3">
                    <Checkbox
                      checked={choice.selected}
                      onCheckedChange={(v) => set({ selected: v === true })}
                      aria-label={`Credit ${line.description}`}
                      className="size-5"
                    />
                    <span className="grid text-sm">
                      <span>{line.description}</span>
                      <span className="text-xs text-muted-foreground">
                        {formatMoney(remaining, currency)} remaining of {formatMoney(line.amount, currency)} · VAT {line.vatRate}%
                      </span>
                    </span>
                  </label>
                  {choice.selected && (
                    <div className="grid gap-1">
                      <Label htmlFor={`credit-amount-${line.id}`} className="sr-only">
                        Amount to credit on {line.description}
                      </Label>
                      <Input
                        id={`credit-amount-${line.id}`}
                        inputMode="decimal"
                        placeholder={`All: ${remaining.toFixed(currencyExponent(currency))}`}
                        value={choice.amount}
                        onChange={(event) => set({ amount: event.target.value })}
                        aria-invalid={!!error}
                        className="h-11 text-right tabular-nums"
                      />
                      {error && (
                        <p role="alert" className="text-xs text-destructive">
                          {error}
                        </p>
                      )}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}

      <div className="grid grid-cols-1 gap-2">
        <Label htmlFor="credit-reason">Reason</Label>
        <Textarea
          id="credit-reason"
          rows={2}
          maxLength={MAX_CREDIT_REASON}
          value={reason}
          placeholder="e.g. Wrong unit price for the March usage"
          aria-invalid={!!(errors.reason ?? serverError?.fields.reason)}
          aria-describedby={errors.reason ? "credit-reason-error" : undefined}
          onChange={(event) => {
            setReason(event.target.value);
            setErrors(({ reason: _gone, ...rest }) => rest);
          }}
        />
        {(errors.reason ?? serverError?.fields.reason) && (
          <p id="credit-reason-error" role="alert" className="text-sm text-destructive">
            {errors.reason ?? serverError?.fields.reason}
          </p>
        )}
      </div>

      {(scope === "LINES" || nothingCredited) && (
        <label className="flex min-h-11 cursor-pointer items-center gap-3 text-sm has-[:disabled]:cursor-not-allowed">
          <Checkbox checked={rebill && rebillable} disabled={!rebillable} onCheckedChange={(v) => setRebill(v === true)} className="size-5" />
          <span>
            Correct and re-bill{" "}
            <span className="text-muted-foreground">
              {scope === "WHOLE"
                ? "— the invoice's rated items are billed again by the next run"
                : rebillable
                  ? "— the chosen lines' rated items are billed again by the next run"
                  : "— only for lines credited in full and not credited before (a partial amount cannot release items)"}
            </span>
          </span>
        </label>
      )}

      <dl className="grid grid-cols-3 gap-2 rounded-md bg-muted/50 p-3 text-sm" aria-label="Credit note preview" data-testid="credit-preview">
        <div>
          <dt className="text-muted-foreground">Net</dt>
          <dd className="font-medium tabular-nums">{formatMoney(preview.net, currency)}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">VAT</dt>
          <dd className="font-medium tabular-nums">{formatMoney(preview.tax, currency)}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Credited</dt>
          <dd className="font-semibold tabular-nums">{formatMoney(preview.gross, currency)}</dd>
        </div>
      </dl>

      {serverError && (
        <p role="alert" className="text-sm text-destructive">
          {serverError.message}
        </p>
      )}

      <DialogFooter className="gap-2">
        <Button type="button" variant="outline" onClick={onBack} disabled={pending} className="max-md:h-11">
          Back
        </Button>
        <Button type="button" variant="outline" onClick={() => submit(false)} disabled={pending} className="max-md:h-11">
          Save draft
        </Button>
        <Button type="submit" disabled={pending} className="max-md:h-11">
          {pending && <Loader2Icon className="animate-spin" aria-hidden />}
          Issue and post
        </Button>
      </DialogFooter>
    </form>
  );
}
