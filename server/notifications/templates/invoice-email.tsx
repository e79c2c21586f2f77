import { Column, Heading, Row, Section, Text } from "@react-email/components";
import { formatMoney } from "@/lib/money";
import type { InvoiceDocument } from "@/server/documents/invoice-document";
import { formatDocumentDate } from "@/server/documents/labels";
import { EmailLayout, emailColors } from "./email-layout";

export function invoiceEmailSubject(doc: Pick<InvoiceDocument, "type" | "number" | "seller">): string {
  const kind = doc.type === "CREDIT_NOTE" ? "Credit note" : "Invoice";
  return `${kind} ${doc.number ?? "(draft)"} from ${doc.seller.legalName}`;
}

/** E-mail to a customer with its posted invoice or credit note; the PDF is attached by the sender. */
export function InvoiceEmail({ doc, locale = "en" }: { doc: InvoiceDocument; locale?: string }) {
  const credit = doc.type === "CREDIT_NOTE";
  const kind = credit ? "credit note" : "invoice";
  const total = formatMoney(doc.grossTotal, doc.currency, locale);
  const date = (iso: string) => formatDocumentDate(iso, locale);
  const rows: Array<[string, string]> = [
    [credit ? "Credit note" : "Invoice", doc.number ?? "(draft)"],
    ["Date", date(doc.invoiceDate)],
    [credit ? "Amount credited" : "Amount due", total],
    ...(credit ? [] : ([["Due date", date(doc.dueDate)]] as Array<[string, string]>)),
    ...(!credit && doc.seller.iban
      ? ([
          ["IBAN", `${doc.seller.iban}${doc.seller.bic ? ` · BIC ${doc.seller.bic}` : ""}`],
          ["Payment reference", doc.number ?? ""],
        ] as Array<[string, string]>)
      : []),
  ];
  return (
    <EmailLayout
      preview={`${invoiceEmailSubject(doc)}: ${total}${credit ? "" : `, due ${date(doc.dueDate)}`}`}
      footer={`${doc.seller.legalName} · ${doc.seller.addressLine}, ${doc.seller.postalCode} ${doc.seller.city} · VAT ID ${doc.seller.vatId}`}
    >
      <Text style={{ fontSize: 12, color: emailColors.muted, fontWeight: 700, textTransform: "uppercase", margin: 0 }}>{doc.seller.legalName}</Text>
      <Heading as="h1" style={{ fontSize: 22, margin: "6px 0 12px" }}>{`${credit ? "Credit note" : "Invoice"} ${doc.number ?? ""}`}</Heading>
      <Text>{`Dear ${doc.buyer.name},`}</Text>
      <Text>
        {credit
          ? `Please find attached our credit note ${doc.number} of ${date(doc.invoiceDate)} for ${total}.`
          : `Thank you for your business. Please find attached our invoice ${doc.number} of ${date(doc.invoiceDate)} for ${total}, due on ${date(doc.dueDate)}.`}
      </Text>
      <Section style={{ backgroundColor: "#f9fafb", padding: "8px 14px", borderRadius: 6, margin: "8px 0" }}>
        {rows.map(([label, value]) => (
          <Row key={label}>
            <Column style={{ width: "45%" }}>
              <Text style={{ fontSize: 13, color: emailColors.muted, margin: "4px 0" }}>{label}</Text>
            </Column>
            <Column>
              <Text style={{ fontSize: 14, fontWeight: label.startsWith("Amount") ? 700 : 400, margin: "4px 0" }}>{value}</Text>
            </Column>
          </Row>
        ))}
      </Section>
      {doc.seller.paymentTerms.trim() ? <Text style={{ color: emailColors.muted }}>{doc.seller.paymentTerms}</Text> : null}
      <Text>
        {`The ${kind} is attached as a PDF.${doc.seller.email ? ` If you have any question about it, write to us at ${doc.seller.email}.` : ""}`}
      </Text>
      <Text>{`Kind regards,\n${doc.seller.legalName}`}</Text>
    </EmailLayout>
  );
}
