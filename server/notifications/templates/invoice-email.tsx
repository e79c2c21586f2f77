import { Heading, Section, Text } from "@react-email/components";
import { formatMoney } from "@/lib/money";
import type { InvoiceDocument } from "@/server/documents/invoice-document";
import { formatDocumentDate } from "@/server/documents/labels";
import { EmailLayout, emailColors } from "./email-layout";

export function invoiceEmailSubject(doc: InvoiceDocument): string {
  const kind = doc.type === "CREDIT_NOTE" ? "Credit note" : "Invoice";
  return `${kind} ${doc.number ?? "(draft)"} from ${doc.seller.legalName}`;
}

/** E-mail sent to a customer with its posted invoice (PDF and XML attached). */
export function InvoiceEmail({ doc, locale = "en" }: { doc: InvoiceDocument; locale?: string }) {
  const credit = doc.type === "CREDIT_NOTE";
  const total = formatMoney(doc.grossTotal, doc.currency, locale);
  return (
    <EmailLayout preview={invoiceEmailSubject(doc)} footer={`${doc.seller.legalName} · ${doc.seller.addressLine}, ${doc.seller.postalCode} ${doc.seller.city} · VAT ID ${doc.seller.vatId}`}>
      <Heading as="h1" style={{ fontSize: 20, margin: "0 0 12px" }}>{`${credit ? "Credit note" : "Invoice"} ${doc.number ?? ""}`}</Heading>
      <Text>{`Dear ${doc.buyer.name},`}</Text>
      <Text>
        {credit
          ? `please find attached our credit note ${doc.number} of ${formatDocumentDate(doc.invoiceDate, locale)} for ${total}.`
          : `please find attached our invoice ${doc.number} of ${formatDocumentDate(doc.invoiceDate, locale)} for ${total}, due on ${formatDocumentDate(doc.dueDate, locale)}.`}
      </Text>
      {!credit && doc.seller.iban ? (
        <Section style={{ backgroundColor: "#f9fafb", padding: "8px 14px", borderRadius: 6 }}>
          <Text style={{ margin: "4px 0" }}>{`Amount due: ${total}`}</Text>
          <Text style={{ margin: "4px 0" }}>{`IBAN: ${doc.seller.iban}${doc.seller.bic ? ` · BIC: ${doc.seller.bic}` : ""}`}</Text>
          <Text style={{ margin: "4px 0" }}>{`Reference: ${doc.number}`}</Text>
        </Section>
      ) : null}
      <Text style={{ color: emailColors.muted }}>{doc.seller.paymentTerms}</Text>
      <Text>{`Kind regards,\n${doc.seller.legalName}`}</Text>
    </EmailLayout>
  );
}
