"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  ArrowLeftIcon,
  BanIcon,
  FileMinusIcon,
  CheckCheckIcon,
  DownloadIcon,
  ExternalLinkIcon,
  FileQuestionIcon,
  ShieldAlertIcon,
  XCircleIcon,
} from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableFooter, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { errorDataOf, errorMessage } from "@/lib/error-data";
import { formatDate, formatDateTime, humanize } from "@/lib/format";
import { formatDecimal, formatMoney } from "@/lib/money";
import { BulkActionDialog, bulkActionLabel } from "../../../../[id]/_components/bulk-action-dialog";
import { BulkResultsDialog } from "../../../../[id]/_components/bulk-results-dialog";
import { InvoiceStatusBadge, invoiceTypeLabel } from "../../../../[id]/_components/invoice-status";
import type { BulkAction, BulkResult, InvoiceDetail } from "../../../../[id]/_components/types";
import { CreditNoteDialog, type CreditNoteRequest } from "./credit-note-dialog";
import { InvoiceMemoEditor } from "./invoice-memo-editor";
import { InvoiceReviewCard } from "./invoice-review-card";

// The review actions in the order the page shows them; which ones apply is the server's answer (availableActions).
const actionOrder: BulkAction[] = ["VALIDATE", "QUARANTINE", "REJECT", "CANCEL"];
const actionIcon: Record<BulkAction, typeof CheckCheckIcon> = {
  VALIDATE: CheckCheckIcon,
  QUARANTINE: ShieldAlertIcon,
  REJECT: XCircleIcon,
  CANCEL: BanIcon,
};

export function InvoiceDetails({ runId, invoiceId }: { runId: string; invoiceId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.invoices.get.queryOptions({ id: invoiceId }));
  const [pendingAction, setPendingAction] = useState<BulkAction | null>(null);
  const [result, setResult] = useState<{ action: BulkAction; data: BulkResult } | null>(null);
  const [previewRequested, setPreviewRequested] = useState(false);
  const [creditOpen, setCreditOpen] = useState(false);
  const [creditError, setCreditError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const refresh = () =>
    Promise.all([queryClient.invalidateQueries(trpc.invoices.pathFilter()), queryClient.invalidateQueries(trpc.billingRuns.pathFilter())]);
  const createCredit = useMutation(trpc.invoices.createCreditNote.mutationOptions({ onSettled: refresh }));
  const postCredit = useToastingMutation(trpc.invoices.postCreditNote.mutationOptions({ onSettled: refresh }), () => "Posting the credit note failed");
  const discardCredit = useToastingMutation(trpc.invoices.discardCreditNote.mutationOptions({ onSettled: refresh }), () => "Discarding the draft failed");
  const bulk = useToastingMutation(
    trpc.invoices.bulkAction.mutationOptions({
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.invoices.pathFilter()),
          queryClient.invalidateQueries(trpc.billingRuns.pathFilter()),
        ]),
    }),
    (v) => `${bulkActionLabel[v.action]} failed`,
  );

  if (query.isPending) {
    return (
      <div className="grid grid-cols-1 gap-4" aria-busy>
        <Skeleton className="h-10 w-40" />
        <Skeleton className="h-28 w-full rounded-xl" />
        <Skeleton className="h-64 w-full rounded-xl" />
      </div>
    );
  }
  if (query.isError) {
    const notFound = (query.error.data as { code?: string } | undefined)?.code === "NOT_FOUND";
    return notFound ? (
      <EmptyState
        icon={FileQuestionIcon}
        title="Invoice not found"
        action={
          <Button asChild variant="outline">
            <Link href={`/billing-runs/${runId}`}>Back to the billing run</Link>
          </Button>
        }
      />
    ) : (
      <ErrorState title="Could not load the invoice" error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />
    );
  }

  const invoice = query.data;
  const status = invoice.status;
  const currency = invoice.currency;
  const actions = actionOrder.filter((action) => invoice.availableActions.includes(action));
  // a correction credit note has no run of its own: its files are served under the run of the page's URL
  const base = `/billing-runs/${invoice.billingRunId ?? runId}/invoices/${invoice.id}`;
  const pdfUrl = `${base}/pdf`;
  const xmlUrl = `${base}/xml?download`;
  // e.g. KWD (3 decimals): EN 16931 cannot express the amounts, so there is no XML (the file route refuses it too)
  const xmlProblem = invoice.xmlProblem;
  const showPreview = status === "POSTED" || previewRequested;
  const runOfInvoice = invoice.billingRunId ?? runId;
  const title = invoice.number ?? `Draft ${invoiceTypeLabel[invoice.type]?.toLowerCase() ?? "invoice"}`;

  function issueCreditNote(request: CreditNoteRequest) {
    setCreditError(null);
    createCredit.mutate(
      { invoiceId: invoice.id, ...request },
      {
        onSuccess: (note) => {
          setCreditOpen(false);
          toast.success(note.number ? `Credit note ${note.number} posted` : "Draft credit note saved", {
            description: `${formatMoney(note.grossTotal, currency)} credited on ${invoice.number}`,
          });
          router.push(`/billing-runs/${runOfInvoice}/invoices/${note.id}`);
        },
        onError: (error) =>
          setCreditError({ message: errorMessage(error), fields: Object.fromEntries(errorDataOf(error).issues.map((i) => [i.field, i.message])) }),
      },
    );
  }

  function runAction(options: { reason?: string; items?: "REOPEN" | "CANCEL" }) {
    if (!pendingAction) return;
    const action = pendingAction;
    bulk.mutate(
      { runId: runOfInvoice, action, target: { ids: [invoice.id] }, ...options },
      {
        onSuccess: (data) => {
          setPendingAction(null);
          const outcome = data.results[0];
          if (outcome?.outcome === "SKIPPED") toast.warning(`${bulkActionLabel[action]} skipped`, { description: outcome.reason });
          else toast.success(`${bulkActionLabel[action]}: done`);
          if (data.quarantineRunId || outcome?.outcome === "SKIPPED") setResult({ action, data });
        },
      },
    );
  }

  return (
    <div className="grid grid-cols-1 gap-4 pb-16">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="ghost" className="-ml-2" onClick={() => (window.history.length > 1 ? router.back() : router.push(`/billing-runs/${runId}`))}>
          <ArrowLeftIcon aria-hidden /> Back
        </Button>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {xmlProblem ? (
            <span title={`No XML: ${xmlProblem}`}>
              <Button variant="outline" disabled aria-label={`XML unavailable: ${xmlProblem}`}>
                <DownloadIcon aria-hidden /> XML
              </Button>
            </span>
          ) : (
            <Button asChild variant="outline">
              <a href={xmlUrl} download>
                <DownloadIcon aria-hidden /> XML
              </a>
            </Button>
          )}
          {pdfUrl && (
            <Button asChild variant="outline">
              <a href={pdfUrl} target="_blank" rel="noreferrer">
                <ExternalLinkIcon aria-hidden /> PDF
              </a>
            </Button>
          )}
          {invoice.credits?.creditable && (
            <Button variant="outline" onClick={() => setCreditOpen(true)} className="max-md:h-11" data-testid="issue-credit-note">
              <FileMinusIcon aria-hidden /> Credit note
            </Button>
          )}
          {invoice.correctsInvoice && status === "DRAFT" && (
            <>
              <Button
                variant="outline"
                className="text-destructive hover:text-destructive max-md:h-11"
                disabled={discardCredit.isPending || postCredit.isPending}
                onClick={() => discardCredit.mutate({ id: invoice.id }, { onSuccess: () => toast.success("Draft credit note discarded") })}
              >
                <BanIcon aria-hidden /> Discard
              </Button>
              <Button
                className="max-md:h-11"
                disabled={discardCredit.isPending || postCredit.isPending}
                onClick={() => postCredit.mutate({ id: invoice.id }, { onSuccess: (note) => toast.success(`Credit note ${note.number} posted`) })}
              >
                <CheckCheckIcon aria-hidden /> Post credit note
              </Button>
            </>
          )}
          {actions.length > 0 && (
            <>
              <div className="hidden gap-2 sm:flex">
                {actions.map((action) => {
                  const Icon = actionIcon[action];
                  return (
                    <Button
                      key={action}
                      variant={action === "VALIDATE" ? "default" : "outline"}
                      className={action === "REJECT" || action === "CANCEL" ? "text-destructive hover:text-destructive" : undefined}
                      onClick={() => setPendingAction(action)}
                    >
                      <Icon aria-hidden /> {bulkActionLabel[action]}
                    </Button>
                  );
                })}
              </div>
              <DropdownMenu>
                <DropdownMenuTrigger asChild>
                  <Button className="sm:hidden">Actions</Button>
                </DropdownMenuTrigger>
                <DropdownMenuContent align="end">
                  {actions.map((action) => {
                    const Icon = actionIcon[action];
                    return (
                      <DropdownMenuItem
                        key={action}
                        variant={action === "REJECT" || action === "CANCEL" ? "destructive" : "default"}
                        onSelect={() => setPendingAction(action)}
                      >
                        <Icon /> {bulkActionLabel[action]}
                      </DropdownMenuItem>
                    );
                  })}
                </DropdownMenuContent>
              </DropdownMenu>
            </>
          )}
        </div>
      </div>

      <header className="grid grid-cols-1 gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-xl font-semibold tracking-tight tabular-nums sm:text-2xl" data-testid="invoice-title">
            {title}
          </h1>
          <InvoiceStatusBadge status={status} />
          <Badge variant="outline">{invoiceTypeLabel[invoice.type] ?? invoice.type}</Badge>
        </div>
        <p className="text-muted-foreground">{invoice.accountName ?? invoice.buyer?.name}</p>
        <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {invoice.billingRunLabel && (
            <span>
              <span className="text-muted-foreground">Billing run </span>
              <Link href={`/billing-runs/${runOfInvoice}`} className="font-medium underline underline-offset-4 max-md:inline-flex max-md:min-h-11 max-md:min-w-11 max-md:items-center">
                {invoice.billingRunLabel}
              </Link>
            </span>
          )}
          {invoice.correctsInvoice && (
            <span data-testid="corrects-invoice">
              <span className="text-muted-foreground">Credit note for </span>
              <Link
                href={`/billing-runs/${invoice.correctsInvoice.billingRunId}/invoices/${invoice.correctsInvoice.id}`}
                className="font-medium underline underline-offset-4 max-md:inline-flex max-md:min-h-11 max-md:min-w-11 max-md:items-center"
              >
                {invoice.correctsInvoice.number}
              </Link>
              <span className="text-muted-foreground"> of {formatDate(invoice.correctsInvoice.invoiceDate)}</span>
            </span>
          )}
          {invoice.originRunId && invoice.originRunId !== invoice.billingRunId && (
            <span>
              <span className="text-muted-foreground">Quarantined from </span>
              <Link href={`/billing-runs/${invoice.originRunId}`} className="font-medium underline underline-offset-4 max-md:inline-flex max-md:min-h-11 max-md:min-w-11 max-md:items-center">
                {invoice.originRunLabel}
              </Link>
            </span>
          )}
        </div>
      </header>

      {invoice.creditReason && (
        <div role="note" className="rounded-lg border px-4 py-3 text-sm" data-testid="credit-reason">
          <span className="font-medium">Reason for the credit note: </span>
          {invoice.creditReason}
        </div>
      )}

      {invoice.credits && (invoice.credits.creditNotes.length > 0 || !invoice.credits.creditable) && (
        <CreditsCard credits={invoice.credits} currency={currency} grossTotal={invoice.grossTotal} runId={runOfInvoice} />
      )}

      {invoice.reason && (
        <div
          role="note"
          className="rounded-lg border border-warning/40 bg-warning/10 px-4 py-3 text-sm"
          data-testid="invoice-detail-reason"
        >
          <span className="font-medium">Reason: </span>
          {invoice.reason}
        </div>
      )}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Summary</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
              <Item term="Invoice date" value={formatDate(invoice.invoiceDate)} />
              <Item term="Due date" value={formatDate(invoice.dueDate)} />
              <Item term="Currency" value={currency} />
              <Item term="Posted" value={invoice.postedAt ? formatDateTime(invoice.postedAt) : "—"} />
              <Item term="Buyer" value={<BuyerBlock buyer={invoice.buyer} />} />
              <Item term="Lines" value={String(invoice.lines?.length ?? invoice.linesCount ?? 0)} />
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Totals</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-1 gap-2 text-sm">
              <TotalRow term="Net" value={formatMoney(invoice.netTotal, currency)} />
              <TotalRow term="VAT" value={formatMoney(invoice.taxTotal, currency)} />
              {invoice.vatAccounting && (
                <TotalRow
                  term={`VAT in ${invoice.vatAccounting.currency} (1 ${currency} = ${invoice.vatAccounting.rate}, rate of ${invoice.vatAccounting.rateDate})`}
                  value={formatMoney(invoice.vatAccounting.taxTotal, invoice.vatAccounting.currency)}
                />
              )}
              <TotalRow term="Total" value={formatMoney(invoice.grossTotal, currency)} strong />
            </dl>
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Lines</CardTitle>
        </CardHeader>
        <CardContent className="grid grid-cols-1 gap-2">
          <div className="hidden md:block">
            <Table>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Description</TableHead>
                  <TableHead>Period</TableHead>
                  <TableHead className="text-right">Quantity</TableHead>
                  <TableHead className="text-right">Unit price</TableHead>
                  <TableHead className="text-right">VAT</TableHead>
                  <TableHead className="text-right">Amount</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {invoice.lines.map((line, i) => (
                  <TableRow key={line.id ?? i}>
                    <TableCell className="max-w-md whitespace-normal">{line.description}</TableCell>
                    <TableCell className="text-muted-foreground">
                      {formatDate(line.periodStart)} – {formatDate(line.periodEnd)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatDecimal(line.quantity)}</TableCell>
                    <TableCell className="text-right tabular-nums">{line.unitPrice ? formatMoney(line.unitPrice, currency) : "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">
                      {line.vatCategory} {formatDecimal(line.vatRate)}%
                    </TableCell>
                    <TableCell className="text-right font-medium tabular-nums">{formatMoney(line.amount, currency)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
              <TableFooter>
                <TableRow>
                  <TableCell colSpan={5}>Net total</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(invoice.netTotal, currency)}</TableCell>
                </TableRow>
              </TableFooter>
            </Table>
          </div>
          <ul className="grid divide-y md:hidden">
            {invoice.lines.map((line, i) => (
              <li key={line.id ?? i} className="grid grid-cols-1 gap-1 py-2 text-sm">
                <div className="flex justify-between gap-3">
                  <span>{line.description}</span>
                  <span className="font-medium whitespace-nowrap tabular-nums">{formatMoney(line.amount, currency)}</span>
                </div>
                <span className="text-xs text-muted-foreground">
                  {line.unitPrice ? `${formatDecimal(line.quantity)} × ${formatMoney(line.unitPrice, currency)}` : `Qty ${formatDecimal(line.quantity)}`} · VAT{" "}
                  {formatDecimal(line.vatRate)}% ·{" "}
                  {formatDate(line.periodStart)} – {formatDate(line.periodEnd)}
                </span>
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <InvoiceReviewCard invoice={invoice} />
        <InvoiceMemoEditor invoice={invoice} />
        <Card>
          <CardHeader>
            <CardTitle>VAT breakdown</CardTitle>
          </CardHeader>
          <CardContent>
            <Table>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Category</TableHead>
                  <TableHead className="text-right">Rate</TableHead>
                  <TableHead className="text-right">Taxable</TableHead>
                  <TableHead className="text-right">VAT</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {invoice.vatBreakdown.map((row) => (
                  <TableRow key={`${row.vatCategory}-${row.vatRate}`}>
                    <TableCell>
                      {row.vatCategory}
                      {row.exemptionReason && <span className="block text-xs text-muted-foreground">{row.exemptionReason}</span>}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatDecimal(row.vatRate)}%</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(row.taxableAmount, currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(row.taxAmount, currency)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Status history</CardTitle>
          </CardHeader>
          <CardContent>
            <ol className="grid grid-cols-1 gap-3 text-sm" aria-label="Status history">
              {invoice.statusHistory.map((entry, i) => (
                <li key={i} className="grid grid-cols-1 gap-0.5 border-l-2 pl-3">
                  <span className="flex flex-wrap items-center gap-1.5">
                    {entry.fromStatus && (
                      <>
                        <InvoiceStatusBadge status={entry.fromStatus} />
                        <span aria-label="to">→</span>
                      </>
                    )}
                    <InvoiceStatusBadge status={entry.toStatus} />
                  </span>
                  <span className="text-xs text-muted-foreground">
                    {formatDateTime(entry.at)}
                    {entry.actorName ? ` · ${entry.actorName}` : ""}
                  </span>
                  {entry.reason && <span>{entry.reason}</span>}
                </li>
              ))}
            </ol>
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>PDF preview</CardTitle>
        </CardHeader>
        <CardContent>
          {showPreview ? (
            <iframe src={pdfUrl} title={`PDF of ${title}`} className="h-[70dvh] w-full rounded-md border bg-muted" />
          ) : (
            <div className="flex flex-col items-center gap-2 rounded-md border border-dashed py-8 text-center text-sm text-muted-foreground">
              <p>Drafts are rendered on request, with a DRAFT watermark.</p>
              <Button variant="outline" onClick={() => setPreviewRequested(true)}>
                Show the draft PDF
              </Button>
            </div>
          )}
        </CardContent>
      </Card>

      <BulkActionDialog
        action={pendingAction}
        targetLabel={`invoice ${invoice.number ?? `of ${invoice.accountName ?? invoice.buyer?.name ?? ""}`}`}
        pending={bulk.isPending}
        onOpenChange={(open) => !open && setPendingAction(null)}
        onConfirm={runAction}
      />
      <BulkResultsDialog result={result} onClose={() => setResult(null)} />
      <CreditNoteDialog
        open={creditOpen}
        invoice={invoice}
        pending={createCredit.isPending}
        serverError={creditError}
        onOpenChange={(open) => {
          setCreditOpen(open);
          if (!open) setCreditError(null);
        }}
        onSubmit={issueCreditNote}
      />
    </div>
  );
}

/** A posted invoice's corrections: credited (posted), reserved by drafts, remaining; each credit note linked. */
function CreditsCard({
  credits,
  currency,
  grossTotal,
  runId,
}: {
  credits: NonNullable<InvoiceDetail["credits"]>;
  currency: string;
  grossTotal: string;
  runId: string;
}) {
  return (
    <Card data-testid="invoice-credits">
      <CardHeader>
        <CardTitle>Credit notes</CardTitle>
      </CardHeader>
      <CardContent className="grid grid-cols-1 gap-3 text-sm">
        <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          <TotalRow term="Invoiced" value={formatMoney(grossTotal, currency)} />
          <TotalRow term="Credited" value={formatMoney(credits.posted.gross, currency)} />
          <TotalRow term="In drafts" value={formatMoney(credits.drafts.gross, currency)} />
          <TotalRow term="Remaining" value={formatMoney(credits.remaining.gross, currency)} strong />
        </dl>
        <ul className="grid divide-y">
          {credits.creditNotes.map((note) => (
            <li key={note.id}>
              <Link href={`/billing-runs/${runId}/invoices/${note.id}`} className="flex min-h-11 flex-wrap items-center gap-x-3 gap-y-1 py-2 hover:bg-muted/50">
                <span className="font-medium tabular-nums underline underline-offset-4">{note.number ?? "Draft credit note"}</span>
                <InvoiceStatusBadge status={note.status as InvoiceDetail["status"]} />
                <span className="min-w-0 flex-1 truncate text-muted-foreground">{note.reason}</span>
                <span className="font-medium tabular-nums">{formatMoney(note.grossTotal, currency)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

function Item({ term, value }: { term: string; value: React.ReactNode }) {
  return (
    <div className="grid content-start gap-0.5">
      <dt className="text-muted-foreground">{term}</dt>
      <dd className="font-medium">{value}</dd>
    </div>
  );
}

function TotalRow({ term, value, strong }: { term: string; value: string; strong?: boolean }) {
  return (
    <div className={strong ? "flex justify-between border-t pt-2 text-base font-semibold" : "flex justify-between"}>
      <dt className={strong ? undefined : "text-muted-foreground"}>{term}</dt>
      <dd className="tabular-nums" data-testid={strong ? "invoice-gross" : undefined}>
        {value}
      </dd>
    </div>
  );
}

function BuyerBlock({ buyer }: { buyer: InvoiceDetail["buyer"] | undefined }) {
  if (!buyer) return <>—</>;
  return (
    <span className="grid font-normal">
      <span className="font-medium">{buyer.name}</span>
      {buyer.addressLine && <span>{buyer.addressLine}</span>}
      {(buyer.postalCode || buyer.city) && <span>{[buyer.postalCode, buyer.city].filter(Boolean).join(" ")}</span>}
      {buyer.country && <span>{buyer.country}</span>}
      {buyer.vatId && <span className="text-muted-foreground">VAT {buyer.vatId}</span>}
      {buyer.electronicAddress && (
        <span className="text-muted-foreground">
          {humanize(buyer.electronicAddressScheme ?? "Endpoint")} {buyer.electronicAddress}
        </span>
      )}
    </span>
  );
}
