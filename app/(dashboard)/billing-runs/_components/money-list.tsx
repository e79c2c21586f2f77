import { formatMoney } from "@/lib/money";

/** Per-currency amounts of a run, e.g. "€1,200.00 · $300.00". */
export function MoneyList({
  totals,
  field = "net",
}: {
  totals: Record<string, { net: string; tax: string; gross: string }> | null | undefined;
  field?: "net" | "tax" | "gross";
}) {
  const entries = Object.entries(totals ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="text-muted-foreground">—</span>;
  return (
    <span className="inline-flex flex-wrap gap-x-2 tabular-nums">
      {entries.map(([currency, amounts]) => (
        <span key={currency}>{formatMoney(amounts[field], currency)}</span>
      ))}
    </span>
  );
}
