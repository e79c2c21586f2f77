"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowDownRightIcon, ArrowUpRightIcon, BarChart3Icon } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Cell, Pie, PieChart, XAxis, YAxis } from "recharts";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { ChartContainer, ChartLegend, ChartLegendContent, ChartTooltip, ChartTooltipContent, type ChartConfig } from "@/components/ui/chart";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCount, humanize } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { cn } from "@/lib/utils";
import { Section } from "./section";
import type { RunDetail, RunStatistics } from "./types";

const chargeTypeConfig: ChartConfig = {
  RECURRING: { label: "Recurring", color: "var(--chart-1)" },
  USAGE: { label: "Usage", color: "var(--chart-2)" },
  ONE_SHOT: { label: "One-shot", color: "var(--chart-3)" },
};
const signsConfig: ChartConfig = {
  positive: { label: "Positive", color: "var(--chart-2)" },
  negative: { label: "Negative (credit notes)", color: "var(--chart-5)" },
  zero: { label: "Zero", color: "var(--chart-3)" },
};
const topConfig: ChartConfig = { net: { label: "Amount excl. tax", color: "var(--chart-1)" } };

// recharts needs numbers; amounts are exact decimal strings everywhere else, this is drawing only.
const toNumber = (amount: string) => Number(amount);

const NO_STATS_STATUSES = ["NEW", "CREATING_LINES"];

/** (4) Statistics: the pre-invoicing report with charts and the change against the previous run. */
export function StatisticsSection({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const canceled = run.status === "CANCELED" || run.status === "CANCELING";
  const available = !canceled && !NO_STATS_STATUSES.includes(run.status) && run.linesCount + run.invoicesCount > 0;
  const stats = useQuery({ ...trpc.billingRuns.statistics.queryOptions({ id: run.id }), enabled: available });
  return (
    <Section id="statistics" index={4} title="Statistics">
      {!available ? (
        <EmptyState
          icon={BarChart3Icon}
          title={canceled ? "The run was canceled" : "No statistics yet"}
          description={
            canceled ? "Its lines and invoices were removed." : "The pre-invoicing report is available once the run's invoice lines are created."
          }
          className="py-8"
        />
      ) : stats.isPending ? (
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Skeleton className="h-24" />
          <Skeleton className="h-24" />
          <Skeleton className="h-64" />
          <Skeleton className="h-64" />
        </div>
      ) : stats.isError ? (
        <ErrorState title="Could not load the statistics" error={stats.error} onRetry={() => void stats.refetch()} retrying={stats.isFetching} />
      ) : (
        <StatisticsReport stats={stats.data} />
      )}
    </Section>
  );
}

function Kpi({ label, value, hint }: { label: string; value: React.ReactNode; hint?: React.ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-0.5 rounded-lg border p-3">
      <span className="text-xs text-muted-foreground">{label}</span>
      <span className="text-lg font-semibold tabular-nums">{value}</span>
      {hint && <span className="text-xs text-muted-foreground">{hint}</span>}
    </div>
  );
}

function ChartCard({ title, children, className }: { title: string; children: React.ReactNode; className?: string }) {
  return (
    <figure className={cn("grid grid-cols-1 gap-2 rounded-lg border p-3", className)}>
      <figcaption className="text-sm font-medium">{title}</figcaption>
      {children}
    </figure>
  );
}

function StatisticsReport({ stats }: { stats: RunStatistics }) {
  const currencies = stats.amounts.map((a) => a.currency);
  const [currency, setCurrency] = useState(currencies[0] ?? "EUR");
  const activeCurrency = currencies.includes(currency) ? currency : (currencies[0] ?? "EUR");
  const money = (amount: string) => formatMoney(amount, activeCurrency);

  const byCharge = stats.byChargeType
    .filter((r) => r.currency === activeCurrency)
    .map((r) => ({ chargeType: r.chargeType, net: toNumber(r.net), netText: r.net, lines: r.lines }));
  const topAccounts = stats.top.accounts
    .filter((r) => r.currency === activeCurrency)
    .map((r) => ({ name: r.accountName, net: toNumber(r.net), netText: r.net }));
  const signs = (["positive", "negative", "zero"] as const)
    .map((key) => ({ key, value: stats.invoiceSigns?.[key] ?? 0 }))
    .filter((s) => s.value > 0);
  const invoiceStatuses = Object.entries(stats.counts.invoices).filter(([, n]) => n > 0);

  return (
    <div className="grid grid-cols-1 gap-4">
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        <Kpi label="Accounts" value={formatCount(stats.counts.accounts)} />
        <Kpi label="Subscriptions" value={formatCount(stats.counts.subscriptions)} />
        <Kpi label="Rated items" value={formatCount(stats.counts.items)} />
        <Kpi label="Invoice lines" value={formatCount(stats.counts.lines)} />
      </div>

      {invoiceStatuses.length > 0 && (
        <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="stats-invoices-by-status">
          {invoiceStatuses.map(([status, n]) => (
            <span key={status}>
              <span className="text-muted-foreground">{humanize(status)} </span>
              <span className="font-medium tabular-nums">{formatCount(n)}</span>
            </span>
          ))}
        </p>
      )}

      <div className="overflow-x-auto rounded-lg border">
        <Table>
          <TableHeader className="bg-muted/40">
            <TableRow className="hover:bg-transparent">
              <TableHead>Currency</TableHead>
              <TableHead className="text-right">Excl. tax</TableHead>
              <TableHead className="text-right">Tax</TableHead>
              <TableHead className="text-right">Incl. tax</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {stats.amounts.map((a) => (
              <TableRow key={a.currency}>
                <TableCell className="font-medium">{a.currency}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(a.net, a.currency)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(a.tax, a.currency)}</TableCell>
                <TableCell className="text-right font-medium tabular-nums">{formatMoney(a.gross, a.currency)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>

      <VatByCategoryAndCountry rows={stats.vatByCategoryAndCountry} />

      {currencies.length > 1 && (
        <div role="radiogroup" aria-label="Currency of the charts" className="flex flex-wrap gap-2">
          {currencies.map((c) => (
            <Button key={c} role="radio" aria-checked={c === activeCurrency} size="sm" variant={c === activeCurrency ? "default" : "outline"} onClick={() => setCurrency(c)}>
              {c}
            </Button>
          ))}
        </div>
      )}

      <div className="grid grid-cols-1 gap-3 lg:grid-cols-3">
        <ChartCard title={`By charge type (${activeCurrency})`}>
          {byCharge.length ? (
            <ChartContainer config={chargeTypeConfig} className="aspect-[4/3] w-full">
              <BarChart data={byCharge} margin={{ left: 8, right: 8 }}>
                <CartesianGrid vertical={false} />
                <XAxis dataKey="chargeType" tickLine={false} axisLine={false} tickFormatter={(v: string) => String(chargeTypeConfig[v]?.label ?? v)} />
                <YAxis hide />
                <ChartTooltip
                  cursor={false}
                  content={<ChartTooltipContent hideLabel formatter={(_v, _k, item) => money(String((item.payload as { netText?: string })?.netText ?? "0"))} />}
                />
                <Bar dataKey="net" radius={4}>
                  {byCharge.map((row) => (
                    <Cell key={row.chargeType} fill={chargeTypeConfig[row.chargeType]?.color ?? "var(--chart-4)"} />
                  ))}
                </Bar>
              </BarChart>
            </ChartContainer>
          ) : (
            <p className="text-sm text-muted-foreground">No lines in {activeCurrency}.</p>
          )}
        </ChartCard>

        <ChartCard title="Positive, negative and zero invoices">
          {signs.length ? (
            <ChartContainer config={signsConfig} className="aspect-[4/3] w-full">
              <PieChart>
                <ChartTooltip content={<ChartTooltipContent hideLabel nameKey="key" formatter={(v) => formatCount(Number(v))} />} />
                <Pie data={signs} dataKey="value" nameKey="key" innerRadius="50%" strokeWidth={2}>
                  {signs.map((s) => (
                    <Cell key={s.key} fill={signsConfig[s.key].color} />
                  ))}
                </Pie>
                <ChartLegend content={<ChartLegendContent nameKey="key" />} />
              </PieChart>
            </ChartContainer>
          ) : (
            <p className="text-sm text-muted-foreground">No invoices yet.</p>
          )}
        </ChartCard>

        <ChartCard title={`Top accounts (${activeCurrency})`}>
          {topAccounts.length ? (
            <ChartContainer config={topConfig} className="aspect-[4/3] w-full">
              <BarChart data={topAccounts} layout="vertical" margin={{ left: 0, right: 12 }}>
                <XAxis type="number" hide />
                <YAxis
                  type="category"
                  dataKey="name"
                  width={110}
                  tickLine={false}
                  axisLine={false}
                  tickFormatter={(v: string) => (v.length > 16 ? `${v.slice(0, 15)}…` : v)}
                />
                <ChartTooltip
                  cursor={false}
                  content={<ChartTooltipContent formatter={(_v, _k, item) => money(String((item.payload as { netText?: string })?.netText ?? "0"))} />}
                />
                <Bar dataKey="net" fill="var(--color-net)" radius={4} />
              </BarChart>
            </ChartContainer>
          ) : (
            <p className="text-sm text-muted-foreground">No accounts in {activeCurrency}.</p>
          )}
        </ChartCard>
      </div>

      <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
        <TopList
          title={`Top subscriptions (${activeCurrency})`}
          rows={stats.top.subscriptions
            .filter((s) => s.currency === activeCurrency)
            .map((s) => ({
              key: s.subscriptionId,
              name: s.subscriptionName,
              hint: s.accountName,
              amount: formatMoney(s.amount, s.currency),
            }))}
        />
        <TopList
          title={`Top charges (${activeCurrency})`}
          rows={stats.top.charges
            .filter((c) => c.currency === activeCurrency)
            .map((c) => ({
              key: `${c.chargeId}-${c.currency}`,
              name: c.label,
              hint: `${c.code} · ${humanize(c.chargeType)}`,
              amount: formatMoney(c.net, c.currency),
            }))}
        />
      </div>

      <CreditedByCorrections credited={stats.credited ?? []} />
      <ChangeVsPrevious change={stats.changeVsPrevious} />
    </div>
  );
}

/** Credit notes issued from the run's posted invoices (corrections), per currency. */
function CreditedByCorrections({ credited }: { credited: RunStatistics["credited"] }) {
  if (!credited.length) return null;
  return (
    <div className="grid grid-cols-1 gap-2 rounded-lg border p-3" data-testid="run-credited">
      <h3 className="text-sm font-medium">Credited by correction credit notes</h3>
      <ul className="grid grid-cols-1 gap-1.5 text-sm">
        {credited.map((c) => (
          <li key={c.currency} className="flex flex-wrap items-baseline justify-between gap-2">
            <span className="text-muted-foreground">
              {c.creditNotes} credit note{c.creditNotes === 1 ? "" : "s"} on {c.invoices} invoice{c.invoices === 1 ? "" : "s"}
            </span>
            <span className="font-medium tabular-nums">
              {formatMoney(c.gross, c.currency)} <span className="text-xs font-normal text-muted-foreground">({formatMoney(c.net, c.currency)} excl. VAT)</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function VatByCategoryAndCountry({ rows }: { rows: RunStatistics["vatByCategoryAndCountry"] }) {
  if (rows.length === 0) return null;
  return (
    <div className="overflow-x-auto rounded-lg border" data-testid="stats-vat-by-category">
      <Table>
        <caption className="px-3 pt-2 text-left text-sm font-medium">VAT by category and buyer country</caption>
        <TableHeader className="bg-muted/40">
          <TableRow className="hover:bg-transparent">
            <TableHead>VAT</TableHead>
            <TableHead>Country</TableHead>
            <TableHead className="text-right">Accounts</TableHead>
            <TableHead className="text-right">Excl. tax</TableHead>
            <TableHead className="text-right">Tax</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={`${r.currency}-${r.vatCategory}-${r.vatRate}-${r.country}`}>
              <TableCell className="font-medium whitespace-nowrap">
                {r.label} <span className="text-muted-foreground tabular-nums">{r.vatCategory} {r.vatRate} %</span>
              </TableCell>
              <TableCell>{r.country ?? "—"}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCount(r.accounts)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatMoney(r.net, r.currency)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatMoney(r.tax, r.currency)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function TopList({ title, rows }: { title: string; rows: { key: string; name: string; hint: string; amount: string }[] }) {
  return (
    <div className="grid content-start gap-2 rounded-lg border p-3">
      <h3 className="text-sm font-medium">{title}</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-muted-foreground">Nothing to show.</p>
      ) : (
        <ol className="grid grid-cols-1 gap-1.5 text-sm">
          {rows.map((row, i) => (
            <li key={row.key} className="flex items-baseline gap-2">
              <span className="w-5 shrink-0 text-right text-xs text-muted-foreground tabular-nums">{i + 1}</span>
              <span className="min-w-0 flex-1 truncate">
                {row.name} <span className="text-xs text-muted-foreground">{row.hint}</span>
              </span>
              <span className="font-medium whitespace-nowrap tabular-nums">{row.amount}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function ChangeVsPrevious({ change }: { change: RunStatistics["changeVsPrevious"] }) {
  return (
    <div className="grid grid-cols-1 gap-2 rounded-lg border p-3">
      <h3 className="text-sm font-medium">
        Change against the previous run
        {change.previousRun && (
          <>
            {" "}
            <Link href={`/billing-runs/${change.previousRun.id}`} className="font-normal text-muted-foreground underline-offset-4 hover:underline max-md:inline-flex max-md:min-h-11 max-md:items-center">
              ({change.previousRun.label})
            </Link>
          </>
        )}
      </h3>
      {!change.previousRun ? (
        <p className="text-sm text-muted-foreground">There is no previous run of this cycle to compare with.</p>
      ) : change.rows.length === 0 ? (
        <p className="text-sm text-muted-foreground">No account changed.</p>
      ) : (
        <div className="overflow-x-auto">
          <Table>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Account</TableHead>
                <TableHead className="text-right">Previous</TableHead>
                <TableHead className="text-right">This run</TableHead>
                <TableHead className="text-right">Change</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {change.rows.map((row) => {
                const up = !row.change.startsWith("-");
                const Icon = up ? ArrowUpRightIcon : ArrowDownRightIcon;
                return (
                  <TableRow key={`${row.accountId}-${row.currency}`}>
                    <TableCell className="max-w-48 truncate">{row.accountName}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(row.previous, row.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(row.current, row.currency)}</TableCell>
                    <TableCell className={cn("text-right font-medium tabular-nums", up ? "text-success" : "text-destructive")}>
                      <span className="inline-flex items-center gap-1">
                        <Icon className="size-3.5" aria-hidden />
                        {formatMoney(row.change, row.currency)}
                        {row.changePercent !== null && <span className="text-xs">({row.changePercent} %)</span>}
                      </span>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
