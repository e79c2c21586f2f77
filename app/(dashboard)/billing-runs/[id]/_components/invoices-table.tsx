"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type RowSelectionState,
  type SortingState,
} from "@tanstack/react-table";
import { BanIcon, CheckCheckIcon, ChevronDownIcon, FileTextIcon, ShieldAlertIcon, XCircleIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useQueryStates } from "nuqs";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableActionBar } from "@/components/data-table/data-table-action-bar";
import { DataTableColumnHeader } from "@/components/data-table/data-table-column-header";
import { DataTableFacetedFilter } from "@/components/data-table/data-table-faceted-filter";
import { DataTablePagination } from "@/components/data-table/data-table-pagination";
import { DataTableToolbar } from "@/components/data-table/data-table-toolbar";
import { DataTableViewOptions } from "@/components/data-table/data-table-view-options";
import { DebouncedInput } from "@/components/data-table/debounced-input";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useToastingMutation } from "@/components/mutation-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Label } from "@/components/ui/label";
import { formatCount, formatDate } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { RULE_KINDS } from "@/lib/billing-values";
import { RULE_LABEL } from "@/lib/review-labels";
import { BulkActionDialog, bulkActionLabel } from "./bulk-action-dialog";
import { FindingBadges, reasonBeyondFindings } from "./finding-badges";
import { BulkResultsDialog } from "./bulk-results-dialog";
import { INVOICE_STATUSES, INVOICE_TYPES, InvoiceStatusBadge, invoiceStatusLabel, invoiceTypeLabel } from "./invoice-status";
import { INVOICE_SORTS, invoicesSearchParsers, toInvoiceFilter, type InvoiceSort } from "./invoices-search-params";
import type { BulkAction, BulkResult, InvoiceRow, RunDetail } from "./types";

const statusOptions = INVOICE_STATUSES.map((value) => ({ value, label: invoiceStatusLabel[value] }));
const typeOptions = INVOICE_TYPES.map((value) => ({ value, label: invoiceTypeLabel[value] }));
const ruleOptions = RULE_KINDS.map((value) => ({ value, label: RULE_LABEL[value] }));
const ACTIONS: { action: BulkAction; icon: typeof CheckCheckIcon }[] = [
  { action: "VALIDATE", icon: CheckCheckIcon },
  { action: "QUARANTINE", icon: ShieldAlertIcon },
  { action: "REJECT", icon: XCircleIcon },
  { action: "CANCEL", icon: BanIcon },
];

type Target = { kind: "selection"; ids: string[] } | { kind: "filter" };

export function InvoicesTable({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [search, setSearch] = useQueryStates(invoicesSearchParsers);
  const filter = toInvoiceFilter(search);
  const filterKey = JSON.stringify(filter);
  const canAct = run.availableActions.includes("INVOICE_ACTIONS");

  const input = {
    runId: run.id,
    ...filter,
    page: Math.max(1, search.invPage),
    pageSize: Math.min(500, Math.max(1, search.invSize)),
    sort: search.invSort,
    direction: search.invDir,
  };
  const query = useQuery({
    ...trpc.invoices.list.queryOptions(input),
    placeholderData: keepPreviousData,
  });

  // Selection is reset whenever the filter changes, so an action never hits rows the user no longer sees.
  const [selection, setSelection] = useState<{ key: string; rows: RowSelectionState }>({ key: filterKey, rows: {} });
  const rowSelection = selection.key === filterKey ? selection.rows : {};
  const selectedIds = Object.keys(rowSelection).filter((id) => rowSelection[id]);
  const [pendingAction, setPendingAction] = useState<{ action: BulkAction; target: Target } | null>(null);
  const [result, setResult] = useState<{ action: BulkAction; data: BulkResult } | null>(null);

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

  function runBulk(options: { reason?: string; items?: "REOPEN" | "CANCEL" }) {
    if (!pendingAction) return;
    const { action, target } = pendingAction;
    bulk.mutate(
      {
        runId: run.id,
        action,
        target: target.kind === "selection" ? { ids: target.ids } : { filter },
        ...options,
      },
      {
        onSuccess: (data) => {
          setPendingAction(null);
          setSelection({ key: filterKey, rows: {} });
          setResult({ action, data });
          const done = data.results.filter((r) => r.outcome === "DONE").length;
          const skipped = data.results.length - done;
          toast.success(`${bulkActionLabel[action]}: ${done} done${skipped ? `, ${skipped} skipped` : ""}`);
        },
      },
    );
  }

  const sorting: SortingState = [{ id: search.invSort, desc: search.invDir === "desc" }];
  const columns = useMemo<ColumnDef<InvoiceRow>[]>(() => {
    const money = (key: "netTotal" | "taxTotal" | "grossTotal") => (row: InvoiceRow) => formatMoney(row[key], row.currency);
    return [
      ...(canAct
        ? [
            {
              id: "select",
              enableSorting: false,
              enableHiding: false,
              size: 36,
              header: ({ table }) => (
                <Checkbox
                  aria-label="Select all on this page"
                  checked={table.getIsAllPageRowsSelected() ? true : table.getIsSomePageRowsSelected() ? "indeterminate" : false}
                  onCheckedChange={(value) => table.toggleAllPageRowsSelected(!!value)}
                />
              ),
              cell: ({ row }) => (
                <Checkbox
                  aria-label={`Select ${row.original.accountName}`}
                  checked={row.getIsSelected()}
                  onCheckedChange={(value) => row.toggleSelected(!!value)}
                />
              ),
            } satisfies ColumnDef<InvoiceRow>,
          ]
        : []),
      {
        id: "number",
        meta: { label: "Number" },
        header: ({ column }) => <DataTableColumnHeader column={column} title="Number" />,
        cell: ({ row }) =>
          row.original.number ? (
            <span className="font-medium tabular-nums" data-testid="invoice-number">
              {row.original.number}
            </span>
          ) : (
            <span className="text-muted-foreground">Draft</span>
          ),
      },
      {
        id: "accountName",
        meta: { label: "Account" },
        header: ({ column }) => <DataTableColumnHeader column={column} title="Account" />,
        cell: ({ row }) => <span className="block max-w-56 truncate">{row.original.accountName}</span>,
      },
      {
        id: "type",
        meta: { label: "Type" },
        header: ({ column }) => <DataTableColumnHeader column={column} title="Type" />,
        cell: ({ row }) => invoiceTypeLabel[row.original.type] ?? row.original.type,
      },
      {
        id: "status",
        meta: { label: "Status" },
        header: ({ column }) => <DataTableColumnHeader column={column} title="Status" />,
        cell: ({ row }) => <InvoiceStatusBadge status={row.original.status} />,
      },
      {
        id: "reason",
        meta: { label: "Reason" },
        enableSorting: false,
        header: "Reason",
        cell: ({ row }) => {
          const reason = reasonBeyondFindings(row.original.reason, row.original.findings);
          return (
            <div className="flex flex-col gap-1">
              <FindingBadges findings={row.original.findings} />
              {reason && (
                <span className="block max-w-64 truncate text-sm" title={reason} data-testid="invoice-reason">
                  {reason}
                </span>
              )}
            </div>
          );
        },
      },
      {
        id: "netTotal",
        meta: { label: "Net" },
        header: ({ column }) => (
          <div className="flex justify-end">
            <DataTableColumnHeader column={column} title="Net" className="-mr-2 ml-0" />
          </div>
        ),
        cell: ({ row }) => <div className="text-right tabular-nums">{money("netTotal")(row.original)}</div>,
      },
      {
        id: "taxTotal",
        meta: { label: "Tax" },
        enableSorting: false,
        header: () => <div className="text-right">Tax</div>,
        cell: ({ row }) => <div className="text-right tabular-nums">{money("taxTotal")(row.original)}</div>,
      },
      {
        id: "grossTotal",
        meta: { label: "Gross" },
        header: ({ column }) => (
          <div className="flex justify-end">
            <DataTableColumnHeader column={column} title="Gross" className="-mr-2 ml-0" />
          </div>
        ),
        cell: ({ row }) => <div className="text-right font-medium tabular-nums">{money("grossTotal")(row.original)}</div>,
      },
      {
        id: "dueDate",
        meta: { label: "Due date" },
        enableSorting: false,
        header: "Due",
        cell: ({ row }) => formatDate(row.original.dueDate),
      },
    ];
  }, [canAct]);

  const table = useReactTable({
    data: query.data?.rows ?? [],
    columns,
    getRowId: (row) => row.id,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableRowSelection: canAct,
    initialState: { columnVisibility: { dueDate: false } },
    state: { sorting, rowSelection },
    onRowSelectionChange: (updater) =>
      setSelection({ key: filterKey, rows: typeof updater === "function" ? updater(rowSelection) : updater }),
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const first = next[0];
      if (!first || !INVOICE_SORTS.includes(first.id as InvoiceSort)) void setSearch({ invSort: null, invDir: null, invPage: null });
      else void setSearch({ invSort: first.id as InvoiceSort, invDir: first.desc ? "desc" : "asc", invPage: null });
    },
  });

  const isFiltered = Object.keys(filter).length > 0;
  const reset = () =>
    void setSearch({
      invStatus: null,
      invType: null,
      invAccount: null,
      invMin: null,
      invMax: null,
      invCurrency: null,
      invNumber: null,
      invReason: null,
      invPage: null,
    });
  const total = query.data?.total ?? 0;
  const openInvoice = (id: string) => router.push(`/billing-runs/${run.id}/invoices/${id}`);

  return (
    <div className="grid grid-cols-1 gap-3">
      <DataTableToolbar
        isFiltered={isFiltered}
        onReset={reset}
        actions={
          <>
            {canAct && (
              <DropdownMenu>
                <DropdownMenuTrigger asChild>
                  <Button variant="outline" size="sm" disabled={total === 0}>
                    All matching ({formatCount(total)}) <ChevronDownIcon aria-hidden />
                  </Button>
                </DropdownMenuTrigger>
                <DropdownMenuContent align="end" className="w-64">
                  <DropdownMenuLabel className="text-xs font-normal text-muted-foreground">
                    Act on every invoice matching the current filter
                  </DropdownMenuLabel>
                  <DropdownMenuSeparator />
                  {ACTIONS.map(({ action, icon: Icon }) => (
                    <DropdownMenuItem
                      key={action}
                      variant={action === "CANCEL" ? "destructive" : "default"}
                      onSelect={() => setPendingAction({ action, target: { kind: "filter" } })}
                    >
                      <Icon /> {bulkActionLabel[action]} all {formatCount(total)}
                    </DropdownMenuItem>
                  ))}
                </DropdownMenuContent>
              </DropdownMenu>
            )}
            <DataTableViewOptions table={table} />
          </>
        }
      >
        <DebouncedInput
          placeholder="Account…"
          aria-label="Filter by account"
          className="h-8 w-full sm:w-44"
          value={search.invAccount}
          onCommit={(value) => void setSearch({ invAccount: value || null, invPage: null })}
        />
        <DataTableFacetedFilter
          title="Status"
          options={statusOptions}
          selected={search.invStatus}
          onChange={(values) => void setSearch({ invStatus: values as typeof search.invStatus, invPage: null })}
        />
        <DataTableFacetedFilter
          title="Type"
          options={typeOptions}
          selected={search.invType}
          onChange={(values) => void setSearch({ invType: values as typeof search.invType, invPage: null })}
        />
        <DataTableFacetedFilter
          title="Rule"
          options={ruleOptions}
          selected={search.invRule ? [search.invRule] : []}
          // one rule at a time: the newest choice replaces the previous one
          onChange={(values) => void setSearch({ invRule: (values.find((v) => v !== search.invRule) ?? null) as typeof search.invRule, invPage: null })}
        />
        <DebouncedInput
          placeholder="Number…"
          aria-label="Filter by invoice number"
          className="h-8 w-[calc(50%-0.25rem)] sm:w-32"
          value={search.invNumber}
          onCommit={(value) => void setSearch({ invNumber: value || null, invPage: null })}
        />
        <DebouncedInput
          placeholder="Currency"
          aria-label="Filter by currency"
          className="h-8 w-[calc(50%-0.25rem)] uppercase sm:w-24"
          maxLength={3}
          value={search.invCurrency}
          onCommit={(value) => void setSearch({ invCurrency: value.toUpperCase() || null, invPage: null })}
        />
        <div className="flex w-full items-center gap-1 sm:w-auto">
          <DebouncedInput
            placeholder="Min gross"
            aria-label="Minimum amount"
            inputMode="decimal"
            className="h-8 w-full sm:w-28"
            value={search.invMin}
            onCommit={(value) => void setSearch({ invMin: value || null, invPage: null })}
          />
          <span className="text-muted-foreground">–</span>
          <DebouncedInput
            placeholder="Max gross"
            aria-label="Maximum amount"
            inputMode="decimal"
            className="h-8 w-full sm:w-28"
            value={search.invMax}
            onCommit={(value) => void setSearch({ invMax: value || null, invPage: null })}
          />
        </div>
        <Label className="flex h-8 items-center gap-2 rounded-md border border-dashed px-3 font-normal max-md:h-11">
          <Checkbox checked={search.invReason} onCheckedChange={(value) => void setSearch({ invReason: value ? true : null, invPage: null })} />
          Has reason
        </Label>
      </DataTableToolbar>

      {query.isError && !query.data ? (
        <ErrorState title="Could not load the invoices" error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />
      ) : (
        <>
          <DataTable
            table={table}
            loading={query.isPending || (query.isPlaceholderData && query.isFetching)}
            onRowClick={(row) => openInvoice(row.original.id)}
            rowLabel={(row) => `Open invoice of ${row.original.accountName}`}
            renderCard={(row) => <InvoiceCard invoice={row.original} selectable={canAct} selected={row.getIsSelected()} onSelect={row.toggleSelected} />}
            empty={
              <EmptyState
                icon={FileTextIcon}
                title={isFiltered ? "No invoices match these filters" : "No invoices in this run"}
                action={
                  isFiltered ? (
                    <Button variant="outline" size="sm" onClick={reset}>
                      Reset filters
                    </Button>
                  ) : undefined
                }
              />
            }
          />
          {total > 0 && (
            <DataTablePagination
              page={search.invPage}
              pageSize={search.invSize}
              total={total}
              pageSizes={[20, 50, 100, 200]}
              selectedCount={selectedIds.length}
              onPageChange={(page) => void setSearch({ invPage: page })}
              onPageSizeChange={(size) => void setSearch({ invSize: size, invPage: null })}
            />
          )}
        </>
      )}

      <DataTableActionBar count={selectedIds.length} onClear={() => setSelection({ key: filterKey, rows: {} })}>
        {ACTIONS.map(({ action, icon: Icon }) => (
          <Button
            key={action}
            size="sm"
            variant={action === "CANCEL" || action === "REJECT" ? "outline" : "secondary"}
            className={action === "CANCEL" || action === "REJECT" ? "text-destructive hover:text-destructive" : undefined}
            onClick={() => setPendingAction({ action, target: { kind: "selection", ids: selectedIds } })}
          >
            <Icon aria-hidden /> {bulkActionLabel[action]}
          </Button>
        ))}
      </DataTableActionBar>

      <BulkActionDialog
        action={pendingAction?.action ?? null}
        targetLabel={
          pendingAction?.target.kind === "selection"
            ? `${formatCount(pendingAction.target.ids.length)} selected invoice${pendingAction.target.ids.length === 1 ? "" : "s"}`
            : `all ${formatCount(total)} invoices matching the filter`
        }
        pending={bulk.isPending}
        onOpenChange={(open) => !open && setPendingAction(null)}
        onConfirm={runBulk}
      />
      <BulkResultsDialog result={result} onClose={() => setResult(null)} />
    </div>
  );
}

function InvoiceCard({
  invoice,
  selectable,
  selected,
  onSelect,
}: {
  invoice: InvoiceRow;
  selectable: boolean;
  selected: boolean;
  onSelect: (value: boolean) => void;
}) {
  return (
    <div className="flex gap-3">
      {selectable && (
        <div className="pt-0.5">
          <Checkbox aria-label={`Select ${invoice.accountName}`} checked={selected} onCheckedChange={(value) => onSelect(!!value)} />
        </div>
      )}
      <div className="grid min-w-0 flex-1 gap-1.5">
        <div className="flex items-start justify-between gap-2">
          <span className="min-w-0 truncate font-medium">{invoice.accountName}</span>
          <InvoiceStatusBadge status={invoice.status} />
        </div>
        <div className="flex items-center justify-between gap-2 text-muted-foreground">
          <span className="tabular-nums">
            {invoice.number ?? "Draft"} · {invoiceTypeLabel[invoice.type] ?? invoice.type}
          </span>
          <span className="font-medium text-foreground tabular-nums">{formatMoney(invoice.grossTotal, invoice.currency)}</span>
        </div>
        <FindingBadges findings={invoice.findings} />
        {invoice.reason && (
          <p className="rounded-md bg-muted px-2 py-1 text-xs" data-testid="invoice-reason">
            {invoice.reason}
          </p>
        )}
      </div>
    </div>
  );
}
