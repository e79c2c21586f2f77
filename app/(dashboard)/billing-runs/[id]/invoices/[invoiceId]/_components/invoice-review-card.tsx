import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDecimal, formatMoney } from "@/lib/money";
import { RULE_LABEL } from "@/lib/review-labels";
import { FindingBadges } from "../../../../[id]/_components/finding-badges";
import type { InvoiceDetail } from "../../../../[id]/_components/types";

const signed = (value: string | null) => (value === null ? "—" : `${value.startsWith("-") ? "" : "+"}${value} %`);

/** Why the invoice was flagged (each finding with what it measured) and the comparison with the previous posted invoice. */
export function InvoiceReviewCard({ invoice }: { invoice: InvoiceDetail }) {
  const { comparison, findings, currency } = invoice;
  return (
    <Card data-testid="invoice-review">
      <CardHeader>
        <CardTitle>Findings and comparison</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4">
        {findings.length ? (
          <ul className="grid gap-2 text-sm" aria-label="Findings in detail">
            {findings.map((f, i) => (
              <li key={i} className="grid gap-0.5">
                <FindingBadges findings={[f]} messagesShown />
                <span>{f.message}</span>
                <span className="text-xs text-muted-foreground">
                  {RULE_LABEL[f.kind]}: measured {f.value === null ? "—" : formatDecimal(f.value)}
                  {f.threshold !== null && <> · threshold {formatDecimal(f.threshold)}</>}
                  {f.previousValue !== null && <> · previous {formatDecimal(f.previousValue)}</>}
                  {f.changePercent !== null && <> · change {signed(f.changePercent)}</>}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-muted-foreground">No rule flagged this invoice.</p>
        )}
        {comparison.previous ? (
          <>
            <p className="text-sm">
              Previous posted invoice {comparison.previous.number ?? ""} of {comparison.previous.invoiceDate}: net{" "}
              {formatMoney(comparison.previous.netTotal, currency)} → {formatMoney(comparison.netTotal, currency)} ({signed(comparison.changePercent)})
            </p>
            <div className="overflow-x-auto">
              <Table aria-label="Comparison with the previous posted invoice">
                <TableHeader>
                  <TableRow className="hover:bg-transparent">
                    <TableHead>Charge</TableHead>
                    <TableHead className="text-right">Quantity then → now</TableHead>
                    <TableHead className="text-right">Amount then → now</TableHead>
                    <TableHead className="text-right">Change</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {comparison.lines.map((l) => (
                    <TableRow key={l.chargeCode}>
                      <TableCell>
                        {l.chargeCode}
                        <span className="block text-xs text-muted-foreground">{l.chargeLabel}</span>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">
                        {l.previousQuantity === null ? "—" : formatDecimal(l.previousQuantity)} → {l.quantity === null ? "—" : formatDecimal(l.quantity)}
                      </TableCell>
                      <TableCell className="text-right tabular-nums">
                        {l.previousAmount === null ? "—" : formatMoney(l.previousAmount, currency)} → {l.amount === null ? "—" : formatMoney(l.amount, currency)}
                      </TableCell>
                      <TableCell className="text-right tabular-nums">
                        {formatMoney(l.change, currency)} ({signed(l.changePercent)})
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          </>
        ) : (
          <p className="text-sm text-muted-foreground">The account has no previous posted invoice in {currency}.</p>
        )}
      </CardContent>
    </Card>
  );
}
