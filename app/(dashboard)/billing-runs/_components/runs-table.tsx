"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { CalendarIcon, PlusIcon, ReceiptTextIcon } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQueryStates } from "nuqs";
import { useMemo, useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableColumnHeader } from "@/components/data-table/data-table-column-header";
import { DataTableFacetedFilter } from "@/components/data-table/data-table-faceted-filter";
import { DataTablePagination } from "@/components/data-table/data-table-pagination";
import { DataTableToolbar } from "@/components/data-table/data-table-toolbar";
import { DataTableViewOptions } from "@/components/data-table/data-table-view-options";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { formatCount, formatDate } from "@/lib/format";
import type { AppRouter } from "@/server/trpc/routers/_app";
import { MoneyList } from "./money-list";
import { formatRunNumber, RunAlertIcon, runStatusLabel, RunStatusBadge, runTypeLabel } from "./run-status";
import { RUN_SORTS, RUN_STATUSES, RUN_TYPES, runsSearchParsers, toRunListInput, type RunSort } from "./search-params";

type RunRow = inferRouterOutputs<AppRouter>["billingRuns"]["list"]["rows"][number];

const statusOptions = RUN_STATUSES.map((value) => ({ value, label: runStatusLabel[value] }));
const typeOptions = RUN_TYPES.map((value) => ({ value, label: runTypeLabel[value] }));

export function RunsTable() {
  const trpc = useTRPC();
  const router = useRouter();
  const [search, setSearch] = useQueryStates(runsSearchParsers);
  const input = toRunListInput(search);
  const query = useQuery({ ...trpc.billingRuns.list.queryOptions(input), placeholderData: keepPreviousData });
  const cycles = useQuery(trpc.billingRuns.formOptions.queryOptions());
  const [columnVisibility, setColumnVisibility] = useState({});

  const sorting: SortingState = [{ id: search.sort, desc: search.direction === "desc" }];
  const columns = useMemo<ColumnDef<RunRow>[]>(
    () => [
      {
        id: "number",
        accessorKey: "number",
        meta: { label: "Number" },
        enableHiding: false,
        header: ({ column }) => <DataTableColumnHeader column={column} title="Number" />,
        cell: ({ row }) => (
          <Link href={`/billing-runs/${row.original.id}`} className="font-medium tabular-nums hover:underline">
            {formatRunNumber(row.original.number)}
          </Link>
        ),
      },
      {
        id: "status",
        accessorKey: "status",
        meta: { label: "Status" },
        header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
        cell: ({ row }) => (
          <span className="inline-flex items-center gap-1.5">
            <RunStatusBadge status={row.original.status} disabled={row.original.disabled} />
            <RunAlertIcon status={row.original.status} hasFailures={row.original.hasFailures} />
          </span>
        ),
      },
      {
        id: "type",
        accessorKey: "type",
        meta: { label: "Type" },
        enableSorting: false,
        header: "Type",
        cell: ({ row }) => runTypeLabel[row.original.type],
      },
      {
        id: "cycle",
        accessorKey: "billingCycleName",
        meta: { label: "Billing cycle" },
        enableSorting: false,
        header: "Billing cycle",
        cell: ({ row }) => row.original.billingCycleName ?? <span className="text-muted-foreground">—</span>,
      },
      {
        id: "invoiceDate",
        accessorKey: "invoiceDate",
        meta: { label: "Invoice date" },
        header: ({ column }) => <DataTableColumnHeader column={column} title="Invoice date" />,
        cell: ({ row }) => formatDate(row.original.invoiceDate),
      },
      {
        id: "cutoffDate",
        accessorKey: "cutoffDate",
        meta: { label: "Cut-off" },
        header: ({ column }) => <DataTableColumnHeader column={column} title="Cut-off" />,
        cell: ({ row }) => formatDate(row.original.cutoffDate),
      },
      {
        id: "invoices",
        accessorKey: "invoicesCount",
        meta: { label: "Invoices" },
        enableSorting: false,
        header: () => <div className="text-right">Invoices</div>,
        cell: ({ row }) => <div className="text-right tabular-nums">{formatCount(row.original.invoicesCount)}</div>,
      },
      {
        id: "totals",
        accessorKey: "totals",
        meta: { label: "Amount excl. tax" },
        enableSorting: false,
        header: "Amount excl. tax",
        cell: ({ row }) => <MoneyList totals={row.original.totals} />,
      },
      {
        id: "createdAt",
        accessorKey: "createdAt",
        meta: { label: "Created" },
        header: ({ column }) => <DataTableColumnHeader column={column} title="Created" />,
        cell: ({ row }) => formatDate(row.original.createdAt),
      },
    ],
    [],
  );

  const table = useReactTable({
    data: query.data?.rows ?? [],
    columns,
    getRowId: (row) => row.id,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
    state: { sorting, columnVisibility },
    onColumnVisibilityChange: setColumnVisibility,
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const first = next[0];
      if (!first || !RUN_SORTS.includes(first.id as RunSort)) {
        void setSearch({ sort: null, direction: null, page: null });
        return;
      }
      void setSearch({ sort: first.id as RunSort, direction: first.desc ? "desc" : "asc", page: null });
    },
  });

  const isFiltered = search.status.length > 0 || search.type.length > 0 || !!search.cycle || !!search.from || !!search.to;
  const resetFilters = () => void setSearch({ status: null, type: null, cycle: null, from: null, to: null, page: null });

  return (
    <div className="grid grid-cols-1 gap-3">
      <DataTableToolbar isFiltered={isFiltered} onReset={resetFilters} actions={<DataTableViewOptions table={table} />}>
        <DataTableFacetedFilter
          title="Status"
          options={statusOptions}
          selected={search.status}
          onChange={(values) => void setSearch({ status: values as typeof search.status, page: null })}
        />
        <DataTableFacetedFilter
          title="Type"
          options={typeOptions}
          selected={search.type}
          onChange={(values) => void setSearch({ type: values as typeof search.type, page: null })}
        />
        <Select value={search.cycle || "all"} onValueChange={(value) => void setSearch({ cycle: value === "all" ? null : value, page: null })}>
          <SelectTrigger className="h-8 w-auto min-w-36 border-dashed" aria-label="Billing cycle">
            <SelectValue placeholder="Billing cycle" />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="all">All cycles</SelectItem>
            {cycles.data?.cycles.map((cycle) => (
              <SelectItem key={cycle.id} value={cycle.id}>
                {cycle.name}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <InvoiceDateFilter
          from={search.from}
          to={search.to}
          onChange={(from, to) => void setSearch({ from: from || null, to: to || null, page: null })}
        />
      </DataTableToolbar>

      {query.isError && !query.data ? (
        <ErrorState title="Could not load billing runs" error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />
      ) : (
        <>
          <DataTable
            table={table}
            loading={query.isPending || (query.isPlaceholderData && query.isFetching)}
            onRowClick={(row) => router.push(`/billing-runs/${row.original.id}`)}
            rowLabel={(row) => `Open ${formatRunNumber(row.original.number)}`}
            renderCard={(row) => <RunCard run={row.original} />}
            empty={
              isFiltered ? (
                <EmptyState
                  icon={ReceiptTextIcon}
                  title="No billing runs match these filters"
                  action={
                    <Button variant="outline" size="sm" onClick={resetFilters}>
                      Reset filters
                    </Button>
                  }
                />
              ) : (
                <EmptyState
                  icon={ReceiptTextIcon}
                  title="No billing runs yet"
                  description="A billing run turns open rated items into draft invoices you can review and post."
                  action={
                    <Button asChild>
                      <Link href="/billing-runs/new">
                        <PlusIcon aria-hidden /> New billing run
                      </Link>
                    </Button>
                  }
                />
              )
            }
          />
          {query.data && query.data.total > 0 && (
            <DataTablePagination
              page={search.page}
              pageSize={search.pageSize}
              total={query.data.total}
              onPageChange={(page) => void setSearch({ page })}
              onPageSizeChange={(pageSize) => void setSearch({ pageSize, page: null })}
            />
          )}
        </>
      )}
    </div>
  );
}

function RunCard({ run }: { run: RunRow }) {
  return (
    <div className="grid grid-cols-1 gap-2">
      <div className="flex items-center justify-between gap-2">
        <Link href={`/billing-runs/${run.id}`} className="inline-flex min-h-11 items-center font-semibold tabular-nums">
          {formatRunNumber(run.number)}
        </Link>
        <span className="inline-flex items-center gap-1.5">
          <RunAlertIcon status={run.status} hasFailures={run.hasFailures} />
          <RunStatusBadge status={run.status} disabled={run.disabled} />
        </span>
      </div>
      <p className="line-clamp-2 text-muted-foreground">{run.description}</p>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted-foreground">
        <Badge variant="outline">{runTypeLabel[run.type]}</Badge>
        <span>Invoice date {formatDate(run.invoiceDate)}</span>
        <span>
          {formatCount(run.invoicesCount)} invoice{run.invoicesCount === 1 ? "" : "s"}
        </span>
      </div>
      <div className="font-medium">
        <MoneyList totals={run.totals} />
      </div>
    </div>
  );
}

function InvoiceDateFilter({ from, to, onChange }: { from: string; to: string; onChange: (from: string, to: string) => void }) {
  const active = !!from || !!to;
  return (
    <Popover>
      <PopoverTrigger asChild>
        <Button variant="outline" size="sm" className="border-dashed">
          <CalendarIcon aria-hidden />
          Invoice date
          {active && (
            <Badge variant="secondary" className="rounded-sm px-1 font-normal">
              {from ? formatDate(from) : "…"} – {to ? formatDate(to) : "…"}
            </Badge>
          )}
        </Button>
      </PopoverTrigger>
      <PopoverContent align="start" className="grid w-64 gap-3">
        <div className="grid grid-cols-1 gap-1.5">
          <Label htmlFor="invoice-date-from">From</Label>
          <Input id="invoice-date-from" type="date" value={from} max={to || undefined} onChange={(e) => onChange(e.target.value, to)} />
        </div>
        <div className="grid grid-cols-1 gap-1.5">
          <Label htmlFor="invoice-date-to">To</Label>
          <Input id="invoice-date-to" type="date" value={to} min={from || undefined} onChange={(e) => onChange(from, e.target.value)} />
        </div>
        {active && (
          <Button variant="ghost" size="sm" onClick={() => onChange("", "")}>
            Clear dates
          </Button>
        )}
      </PopoverContent>
    </Popover>
  );
}
