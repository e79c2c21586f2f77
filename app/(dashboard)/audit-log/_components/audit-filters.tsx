"use client";

import { XIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { AUDIT_ACTION_LABEL } from "@/lib/audit-actions";

export const AUDIT_PAGE_SIZE = 50;

export const ENTITY_TYPES = [
  ["run", "Billing runs"],
  ["invoice", "Invoices"],
  ["settings", "Settings"],
  ["api_key", "API keys"],
  ["webhook_endpoint", "Webhook endpoints"],
  ["webhook_secret", "Webhook secrets"],
  ["member", "Members and invitations"],
  ["hold", "Holds"],
  ["schedule", "Schedules"],
] as const;

export type AuditFilter = { entityType?: string; action?: string; actorId?: string; actorName?: string; from?: string; to?: string };

const selectClass =
  "h-11 w-full rounded-md border border-input bg-transparent px-3 text-base shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 md:h-9 md:text-sm dark:bg-input/30";

// an action's entity type is its first segment (settings.logo.upload → settings)
const actionsOf = (entityType: string | undefined) =>
  Object.entries(AUDIT_ACTION_LABEL).filter(([action]) => !entityType || action.split(".")[0] === entityType);

export function AuditFilters({ filter, onChange }: { filter: AuditFilter; onChange: (next: AuditFilter) => void }) {
  const set = (key: keyof AuditFilter) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => onChange({ ...filter, [key]: e.target.value || undefined });
  return (
    <form className="grid gap-3 sm:grid-cols-4" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
      <div className="grid gap-1.5">
        <Label htmlFor="audit-entity">What</Label>
        <select id="audit-entity" className={selectClass} value={filter.entityType ?? ""} onChange={set("entityType")}>
          <option value="">Everything</option>
          {ENTITY_TYPES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="audit-action">Action starts with</Label>
        <Input
          id="audit-action"
          list="audit-action-names"
          value={filter.action ?? ""}
          onChange={set("action")}
          placeholder="e.g. run.post"
          autoComplete="off"
          spellCheck={false}
        />
        <datalist id="audit-action-names">
          {actionsOf(filter.entityType).map(([action, label]) => (
            <option key={action} value={action} label={label} />
          ))}
        </datalist>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="audit-from">From</Label>
        <Input id="audit-from" type="date" value={filter.from ?? ""} onChange={set("from")} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="audit-to">To</Label>
        <Input id="audit-to" type="date" value={filter.to ?? ""} onChange={set("to")} />
      </div>
      {filter.actorId && (
        <div className="flex items-center gap-2 text-sm sm:col-span-4">
          <span>
            Only by <strong>{filter.actorName ?? filter.actorId}</strong>
          </span>
          <Button type="button" variant="ghost" size="icon" className="size-11" aria-label="Show every actor" onClick={() => onChange({ ...filter, actorId: undefined, actorName: undefined })}>
            <XIcon aria-hidden />
          </Button>
        </div>
      )}
    </form>
  );
}
