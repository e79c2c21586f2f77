"use client";

import { auditActionLabel } from "@/lib/audit-actions";
import { formatDateTime } from "@/lib/format";

type Row = {
  id: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  data: unknown;
};

const show = (value: unknown) => (value === null || value === undefined ? "—" : JSON.stringify(value, null, 1));

function actorLabel(row: Row) {
  if (row.actorType === "SYSTEM") return "System (scheduler)";
  if (row.actorType === "API_KEY") return `API key ${row.actorName ?? row.actorId ?? ""}`.trim();
  return row.actorName ?? row.actorId ?? row.actorType.toLowerCase();
}

/** One entry: when, who (a button: only this actor's entries), what, and before → after. */
export function AuditEntry({ row, onActor }: { row: Row; onActor: (actorId: string, name: string) => void }) {
  const label = actorLabel(row);
  const changed = row.before !== null || row.after !== null;
  return (
    <li className="grid gap-1 p-3" data-testid="audit-entry">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1 text-sm">
        {auditActionLabel(row.action) !== row.action && <span className="font-medium">{auditActionLabel(row.action)}</span>}
        <code className="text-xs text-muted-foreground">{row.action}</code>
        <span className="text-muted-foreground">{formatDateTime(row.at)}</span>
        <span className="text-muted-foreground">by</span>
        {row.actorId ? (
          <button type="button" className="min-h-11 underline underline-offset-2 sm:min-h-0" onClick={() => onActor(row.actorId!, label)} aria-label={`Show only entries by ${label}`}>
            {label}
          </button>
        ) : (
          <span>{label}</span>
        )}
      </div>
      <p className="text-xs break-all text-muted-foreground">
        {row.entityType}
        {row.entityId ? ` ${row.entityId}` : ""}
      </p>
      {changed && (
        <details className="text-xs">
          <summary className="min-h-11 cursor-pointer py-3 sm:min-h-0 sm:py-1">Before → after</summary>
          <div className="grid gap-2 sm:grid-cols-2">
            <pre className="overflow-x-auto rounded-md bg-muted p-2 whitespace-pre-wrap break-all" aria-label="Before">
              {show(row.before)}
            </pre>
            <pre className="overflow-x-auto rounded-md bg-muted p-2 whitespace-pre-wrap break-all" aria-label="After">
              {show(row.after)}
            </pre>
          </div>
        </details>
      )}
      {row.data !== null && row.data !== undefined && <p className="text-xs break-all text-muted-foreground">{show(row.data)}</p>}
    </li>
  );
}
