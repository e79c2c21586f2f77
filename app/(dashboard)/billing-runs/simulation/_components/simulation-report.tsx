"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { DownloadIcon } from "lucide-react";
import { ErrorState } from "@/components/data-table/error-state";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCount, humanize } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import type { AppRouter } from "@/server/trpc/routers/_app";
import { simulationQuery, type SimulationTarget } from "../simulation-params";

type Simulation = inferRouterOutputs<AppRouter>["billingRuns"]["simulate"];

const STATUS_VARIANT: Record<string, BadgeVariant> = { DRAFT: "success", SUSPECT: "warning", REJECTED: "destructive" };

/** The simulation report: what Process would produce, with every account in the CSV. */
export function SimulationReport({ target }: { target: SimulationTarget }) {
  const trpc = useTRPC();
  const byRun = useQuery({ ...trpc.billingRuns.simulate.queryOptions({ id: "run" in target ? target.run : "" }), enabled: "run" in target, staleTime: Infinity });
  const byInput = useQuery({
    ...trpc.billingRuns.simulateNew.queryOptions("input" in target ? target.input : ({} as never)),
    enabled: "input" in target,
    staleTime: Infinity,
  });
  const query = "run" in target ? byRun : byInput;
  if (query.isError) return <ErrorState title="Could not simulate the run" error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />;
  if (query.isPending) {
    return (
      <div className="grid gap-4" aria-busy="true" aria-label="Simulating the run">
        <Skeleton className="h-28 w-full rounded-xl" />
        <Skeleton className="h-64 w-full rounded-xl" />
      </div>
    );
  }
  return <Report simulation={query.data} csvHref={`/billing-runs/simulation/csv?${simulationQuery(target)}`} />;
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-lg border p-3">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function Report({ simulation: s, csvHref }: { simulation: Simulation; csvHref: string }) {
  const heldAmounts = Object.entries(s.held.amounts).map(([currency, amount]) => formatMoney(amount, currency));
  return (
    <div className="grid gap-4 pb-8">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-muted-foreground">
          Cut-off {s.run.cutoffDate} · invoice date {s.run.invoiceDate}
        </p>
        <Button asChild variant="outline" className="min-h-11 md:min-h-9">
          <a href={csvHref} download>
            <DownloadIcon aria-hidden /> Download CSV
          </a>
        </Button>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Totals</CardTitle>
          <CardDescription>Per currency, VAT rounded per invoice, category and rate as the invoices will be.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            <Figure label="Invoices" value={formatCount(s.counts.accounts)} testId="simulation-invoices" />
            <Figure label="To review (suspect)" value={formatCount(s.counts.invoices.SUSPECT)} />
            <Figure label="Rejected" value={formatCount(s.counts.invoices.REJECTED)} />
            <Figure label="Credit notes" value={formatCount(s.counts.invoicesByType.CREDIT_NOTE)} />
            <Figure label="Lines" value={formatCount(s.counts.lines)} />
            <Figure label="Rated items" value={formatCount(s.counts.items)} />
            <Figure label="Accounts on hold" value={formatCount(s.held.accounts)} />
            <Figure label="Failed accounts" value={formatCount(s.counts.failedAccounts)} />
          </dl>
          {s.amounts.length === 0 ? (
            <p className="text-sm text-muted-foreground">Nothing to bill: no open items before the cut-off.</p>
          ) : (
            <Table aria-label="Totals per currency">
              <TableHeader>
                <TableRow>
                  <TableHead>Currency</TableHead>
                  <TableHead className="text-right">Net</TableHead>
                  <TableHead className="text-right">VAT</TableHead>
                  <TableHead className="text-right">Gross</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {s.amounts.map((a) => (
                  <TableRow key={a.currency}>
                    <TableCell>{a.currency}</TableCell>
                    <TableCell className="text-right tabular-nums" data-testid={`simulation-net-${a.currency}`}>
                      {formatMoney(a.net, a.currency)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(a.tax, a.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(a.gross, a.currency)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {heldAmounts.length > 0 && <p className="text-sm text-muted-foreground">Held back: {heldAmounts.join(" · ")}</p>}
        </CardContent>
      </Card>

      <div className="grid gap-4 md:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Against the previous posted invoices</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-2 gap-2">
              <Figure label="Higher" value={formatCount(s.changeVsPrevious.increased)} />
              <Figure label="Lower" value={formatCount(s.changeVsPrevious.decreased)} />
              <Figure label="Unchanged" value={formatCount(s.changeVsPrevious.unchanged)} />
              <Figure label="First invoice" value={formatCount(s.changeVsPrevious.firstInvoices)} />
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Findings</CardTitle>
            <CardDescription>Drafts each review rule would flag.</CardDescription>
          </CardHeader>
          <CardContent>
            {s.findings.length === 0 ? (
              <p className="text-sm text-muted-foreground">No rule would flag a draft.</p>
            ) : (
              <ul className="grid gap-2 text-sm">
                {s.findings.map((f) => (
                  <li key={`${f.kind}-${f.severity}`} className="flex items-center justify-between gap-2">
                    <span>{humanize(f.kind)}</span>
                    <Badge variant={STATUS_VARIANT[f.severity]}>
                      {formatCount(f.invoices)} {f.severity.toLowerCase()}
                    </Badge>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      </div>

      {s.vatByCategoryAndCountry.length > 0 && (
        <Card>
          <CardHeader>
            <CardTitle>VAT per category and country</CardTitle>
          </CardHeader>
          <CardContent>
            <Table aria-label="VAT per category and country">
              <TableHeader>
                <TableRow>
                  <TableHead>VAT</TableHead>
                  <TableHead>Country</TableHead>
                  <TableHead className="text-right">Taxable</TableHead>
                  <TableHead className="text-right">VAT</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {s.vatByCategoryAndCountry.map((v) => (
                  <TableRow key={`${v.currency}-${v.vatCategory}-${v.vatRate}-${v.country}`}>
                    <TableCell>{v.label}</TableCell>
                    <TableCell>{v.country ?? "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(v.net, v.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(v.tax, v.currency)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      )}

      <Card>
        <CardHeader>
          <CardTitle>Accounts</CardTitle>
          <CardDescription>
            {s.accounts.total > s.accounts.rows.length
              ? `The ${formatCount(s.accounts.rows.length)} biggest changes of ${formatCount(s.accounts.total)}; the CSV has every account.`
              : "Biggest change against the previous posted invoice first."}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ul className="grid gap-2 md:hidden" aria-label="Accounts">
            {s.accounts.rows.map((a) => (
              <li key={a.accountId} className="rounded-lg border p-3 text-sm">
                <div className="flex items-start justify-between gap-2">
                  <span className="font-medium">{a.accountName}</span>
                  <Badge variant={STATUS_VARIANT[a.status]}>{humanize(a.status)}</Badge>
                </div>
                <div className="mt-1 flex justify-between tabular-nums">
                  <span>{formatMoney(a.gross, a.currency)}</span>
                  <span className="text-muted-foreground">{a.changePercent === null ? "first" : `${a.changePercent} %`}</span>
                </div>
                {a.reason && <p className="mt-1 text-xs text-muted-foreground">{a.reason}</p>}
              </li>
            ))}
          </ul>
          <div className="hidden md:block">
            <Table aria-label="Accounts">
              <TableHeader>
                <TableRow>
                  <TableHead>Account</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="text-right">Net</TableHead>
                  <TableHead className="text-right">Gross</TableHead>
                  <TableHead className="text-right">Previous net</TableHead>
                  <TableHead className="text-right">Change</TableHead>
                  <TableHead>Findings</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {s.accounts.rows.map((a) => (
                  <TableRow key={a.accountId}>
                    <TableCell className="font-medium">{a.accountName}</TableCell>
                    <TableCell>
                      <Badge variant={STATUS_VARIANT[a.status]}>{humanize(a.status)}</Badge>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(a.net, a.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(a.gross, a.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{a.previousNet === null ? "—" : formatMoney(a.previousNet, a.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{a.changePercent === null ? "—" : `${a.changePercent} %`}</TableCell>
                    <TableCell className="max-w-72 text-xs text-muted-foreground">{a.reason ?? "—"}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        </CardContent>
      </Card>
    </div>
  );
}
