"use client";

import { Badge } from "@/components/ui/badge";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { formatCount, formatDate, formatDateTime, humanize } from "@/lib/format";
import { runTypeLabel } from "../../_components/run-status";
import { Section } from "./section";
import type { RunDetail } from "./types";

const modeLabel: Record<string, string> = { MANUAL: "Manual (one step per Process)", REVIEW: "Review (stop at drafts)", AUTO_POST: "Auto-post" };
const onRejectLabel: Record<string, string> = {
  QUARANTINE: "Quarantine rejected invoices",
  HOLD: "Hold the run",
  CANCEL: "Cancel rejected invoices",
};

function YesNo({ value }: { value: boolean }) {
  return <Badge variant={value ? "secondary" : "outline"}>{value ? "Yes" : "No"}</Badge>;
}

function DescriptionEditor({
  value,
  onChange,
  editable,
  onSave,
}: {
  value: string;
  onChange: (value: string) => void;
  editable: boolean;
  onSave: () => void;
}) {
  return (
    <div className="grid grid-cols-1 gap-2">
      <Label htmlFor="run-description">Description</Label>
      <Textarea
        id="run-description"
        value={value}
        readOnly={!editable}
        maxLength={500}
        rows={2}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if ((event.metaKey || event.ctrlKey) && event.key === "Enter" && editable) onSave();
        }}
      />
      <p className="text-xs text-muted-foreground">
        {editable ? "The only setting you can change after creation. Save it from the actions bar." : "Read only in this status."}
      </p>
    </div>
  );
}

/** (2) Billing run configuration: folded shows the editable description, unfolded every setting read-only. */
export function ConfigurationSection({
  run,
  description,
  onDescriptionChange,
  onSave,
}: {
  run: RunDetail;
  description: string;
  onDescriptionChange: (value: string) => void;
  onSave: () => void;
}) {
  const editable = run.availableActions.includes("SAVE");
  const filter = run.filter;
  const editor = <DescriptionEditor value={description} onChange={onDescriptionChange} editable={editable} onSave={onSave} />;
  const rows: [string, React.ReactNode][] = [
    ["Type", runTypeLabel[run.type] ?? run.type],
    ["Billing cycle", run.cycleName ?? "—"],
    ["Invoice date", formatDate(run.invoiceDate)],
    ["Cut-off date", formatDate(run.cutoffDate)],
    ["Mode", modeLabel[run.mode] ?? run.mode],
    ["On reject", onRejectLabel[run.onReject] ?? run.onReject],
    ["Group by subscription", <YesNo key="g" value={run.groupBySubscription} />],
    ["Split by unit price", <YesNo key="s" value={run.splitByUnitPrice} />],
    ["Date aggregation", humanize(run.dateAggregation)],
    ["Skip zero-amount invoices", <YesNo key="z" value={run.skipZeroAmount} />],
    ["E-mail invoices on post", <YesNo key="e" value={run.emailInvoices} />],
    ["Disabled", <YesNo key="d" value={run.disabled} />],
    ["Initiator", run.initiatorName ? `${run.initiatorName} (${humanize(run.initiatorType)})` : humanize(run.initiatorType)],
    ["Created", formatDateTime(run.createdAt)],
    ["Accounts", formatCount(run.accountsCount)],
    ["Rated items", formatCount(run.itemsCount)],
    ["Invoice lines", formatCount(run.linesCount)],
    ["Invoices", formatCount(run.invoicesCount)],
    ["Failed accounts", formatCount(run.failedAccountsCount)],
  ];
  if (filter?.accountIds?.length) rows.push(["Accounts filter", `${formatCount(filter.accountIds.length)} account(s)`]);
  if (filter?.subscriptionIds?.length) rows.push(["Subscriptions filter", `${formatCount(filter.subscriptionIds.length)} subscription(s)`]);
  if (filter?.chargeTypes?.length) rows.push(["Charge types filter", filter.chargeTypes.map(humanize).join(", ")]);

  return (
    <Section id="configuration" index={2} title="Billing run configuration" defaultOpen={false} folded={editor}>
      <div className="grid grid-cols-1 gap-5">
        {editor}
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
          {rows.map(([term, value]) => (
            <div key={term} className="grid grid-cols-1 gap-0.5">
              <dt className="text-muted-foreground">{term}</dt>
              <dd className="font-medium">{value}</dd>
            </div>
          ))}
        </dl>
      </div>
    </Section>
  );
}
