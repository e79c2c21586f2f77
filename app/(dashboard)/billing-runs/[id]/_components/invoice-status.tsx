import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { INVOICE_STATUSES, INVOICE_TYPES } from "@/lib/billing-values";

export { INVOICE_STATUSES, INVOICE_TYPES };
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const invoiceStatusLabel: Record<InvoiceStatus, string> = {
  DRAFT: "Draft",
  SUSPECT: "Suspect",
  REJECTED: "Rejected",
  POSTED: "Posted",
  CANCELED: "Canceled",
};
export const invoiceTypeLabel: Record<string, string> = { INVOICE: "Invoice", CREDIT_NOTE: "Credit note" };

const variant: Record<InvoiceStatus, BadgeVariant> = {
  DRAFT: "outline",
  SUSPECT: "warning",
  REJECTED: "destructive",
  POSTED: "success",
  CANCELED: "muted",
};

export function InvoiceStatusBadge({ status }: { status: InvoiceStatus }) {
  return (
    <Badge variant={variant[status]} data-testid="invoice-status">
      {invoiceStatusLabel[status]}
    </Badge>
  );
}
