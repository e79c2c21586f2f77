"use client";

import { flexRender, type Row, type Table as TanstackTable } from "@tanstack/react-table";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

type DataTableProps<TData> = {
  table: TanstackTable<TData>;
  /** Phone layout: rows render as cards below the md breakpoint when given. */
  renderCard?: (row: Row<TData>) => React.ReactNode;
  onRowClick?: (row: Row<TData>) => void;
  /** Accessible name of a row for keyboard users, e.g. "Open BR-000042". */
  rowLabel?: (row: Row<TData>) => string;
  loading?: boolean;
  /** Shown instead of the table when there are no rows (and not loading). */
  empty?: React.ReactNode;
  skeletonRows?: number;
  className?: string;
};

const INTERACTIVE = "a,button,input,label,select,textarea,[role=checkbox],[role=menuitem],[data-no-row-click]";

function isFromInteractive(event: React.SyntheticEvent) {
  return event.target instanceof Element && event.target.closest(INTERACTIVE) !== null;
}

export function DataTable<TData>({
  table,
  renderCard,
  onRowClick,
  rowLabel,
  loading,
  empty,
  skeletonRows = 8,
  className,
}: DataTableProps<TData>) {
  const rows = table.getRowModel().rows;
  const columns = table.getVisibleLeafColumns();

  if (!loading && rows.length === 0 && empty) return <>{empty}</>;

  const activate = (row: Row<TData>) => (event: React.MouseEvent | React.KeyboardEvent) => {
    if (!onRowClick || isFromInteractive(event)) return;
    if ("key" in event && event.key !== "Enter") return;
    onRowClick(row);
  };

  return (
    <div className={cn("grid grid-cols-1 gap-2", className)} aria-busy={loading || undefined}>
      <div className={cn("overflow-hidden rounded-lg border", renderCard && "hidden md:block")}>
        <Table>
          <TableHeader className="bg-muted/40">
            {table.getHeaderGroups().map((group) => (
              <TableRow key={group.id} className="hover:bg-transparent">
                {group.headers.map((header) => (
                  <TableHead key={header.id} colSpan={header.colSpan} style={{ width: header.column.columnDef.size !== 150 ? header.getSize() : undefined }}>
                    {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                  </TableHead>
                ))}
              </TableRow>
            ))}
          </TableHeader>
          <TableBody>
            {loading && rows.length === 0
              ? Array.from({ length: skeletonRows }, (_, i) => (
                  <TableRow key={`skeleton-${i}`} className="hover:bg-transparent">
                    {columns.map((column) => (
                      <TableCell key={column.id}>
                        <Skeleton className="h-5 w-full max-w-32" />
                      </TableCell>
                    ))}
                  </TableRow>
                ))
              : rows.map((row) => (
                  <TableRow
                    key={row.id}
                    data-state={row.getIsSelected() ? "selected" : undefined}
                    data-testid="data-table-row"
                    tabIndex={onRowClick ? 0 : undefined}
                    aria-label={rowLabel?.(row)}
                    onClick={activate(row)}
                    onKeyDown={activate(row)}
                    className={cn(onRowClick && "cursor-pointer focus-visible:bg-muted/60 focus-visible:outline-none", loading && "opacity-60")}
                  >
                    {row.getVisibleCells().map((cell) => (
                      <TableCell key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</TableCell>
                    ))}
                  </TableRow>
                ))}
          </TableBody>
        </Table>
      </div>
      {renderCard && (
        <ul className="grid grid-cols-1 gap-2 md:hidden" aria-label="Results">
          {loading && rows.length === 0
            ? Array.from({ length: Math.min(skeletonRows, 4) }, (_, i) => (
                <li key={`skeleton-${i}`}>
                  <Skeleton className="h-24 w-full rounded-lg" />
                </li>
              ))
            : rows.map((row) => (
                <li
                  key={row.id}
                  data-testid="data-table-card"
                  data-state={row.getIsSelected() ? "selected" : undefined}
                  tabIndex={onRowClick ? 0 : undefined}
                  aria-label={rowLabel?.(row)}
                  onClick={activate(row)}
                  onKeyDown={activate(row)}
                  className={cn(
                    "rounded-lg border bg-card p-3 text-sm shadow-xs data-[state=selected]:border-primary/60 data-[state=selected]:bg-muted/60",
                    onRowClick && "cursor-pointer active:bg-muted/60",
                    loading && "opacity-60",
                  )}
                >
                  {renderCard(row)}
                </li>
              ))}
        </ul>
      )}
    </div>
  );
}
