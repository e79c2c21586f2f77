import { Column, Heading, Row, Section, Text } from "@react-email/components";
import type { InvoiceDocument } from "@/server/documents/invoice-document";
import { documentFormat, documentText } from "@/server/documents/i18n";
import { EmailLayout, emailColors } from "./email-layout";

export function invoiceEmailSubject(doc: Pick<InvoiceDocument, "type" | "number" | "seller" | "language">): string {
  const number = doc.number ?? documentText(doc.language, "document.draft");
  const key = doc.type === "CREDIT_NOTE" ? "email.subject.creditNote" : "email.subject.invoice";
  return documentText(doc.language, key, { number, seller: doc.seller.legalName });
}

/** E-mail to a customer with its posted invoice or credit note, in the customer's language; the PDF is attached by the sender. */
export function InvoiceEmail({ doc }: { doc: InvoiceDocument }) {
  const lang = doc.language;
  const f = documentFormat(lang);
  const credit = doc.type === "CREDIT_NOTE";
  const number = doc.number ?? documentText(lang, "document.draft");
  const total = f.money(doc.grossTotal, doc.currency);
  const date = f.date(doc.invoiceDate);
  const dueDate = f.date(doc.dueDate);
  const rows: Array<{ label: string; value: string; strong?: boolean }> = [
    { label: documentText(lang, credit ? "document.creditNote" : "document.invoice"), value: number },
    { label: documentText(lang, "email.date"), value: date },
    ...(credit && doc.precedingInvoice
      ? [{ label: documentText(lang, "document.invoice"), value: `${doc.precedingInvoice.number} (${f.date(doc.precedingInvoice.issueDate)})` }]
      : []),
    { label: documentText(lang, credit ? "email.amountCredited" : "document.amountDue"), value: total, strong: true },
    ...(credit ? [] : [{ label: documentText(lang, "document.dueDate"), value: dueDate }]),
    ...(!credit && doc.seller.iban
      ? [
          { label: documentText(lang, "payment.iban"), value: `${doc.seller.iban}${doc.seller.bic ? ` · ${documentText(lang, "payment.bic")} ${doc.seller.bic}` : ""}` },
          { label: documentText(lang, "payment.reference"), value: doc.number ?? "" },
        ]
      : []),
  ];
  const subject = invoiceEmailSubject(doc);
  return (
    <EmailLayout
      title={subject}
      preview={credit ? `${subject}: ${total}` : `${subject}: ${documentText(lang, "email.preview.invoice", { amount: total, dueDate })}`}
      footer={`${doc.seller.legalName} · ${doc.seller.addressLine}, ${doc.seller.postalCode} ${doc.seller.city}, ${f.country(doc.seller.country)} · ${documentText(lang, "document.vatId", { vatId: doc.seller.vatId })}`}
      lang={f.locale}
    >
      <Text style={{ fontSize: 12, color: emailColors.muted, fontWeight: 700, textTransform: "uppercase", margin: 0 }}>{doc.seller.legalName}</Text>
      <Heading as="h1" style={{ fontSize: 22, margin: "6px 0 12px" }}>{`${documentText(lang, credit ? "document.creditNote" : "document.invoice")} ${doc.number ?? ""}`}</Heading>
      <Text>{documentText(lang, "email.greeting", { name: doc.buyer.name })}</Text>
      <Text>
        {credit
          ? documentText(lang, "email.body.creditNote", { number, date, amount: total })
          : documentText(lang, "email.body.invoice", { number, date, amount: total, dueDate })}
      </Text>
      <Section style={{ backgroundColor: "#f9fafb", padding: "8px 14px", borderRadius: 6, margin: "8px 0" }}>
        {rows.map((row) => (
          <Row key={row.label}>
            <Column style={{ width: "45%" }}>
              <Text style={{ fontSize: 13, color: emailColors.muted, margin: "4px 0" }}>{row.label}</Text>
            </Column>
            <Column>
              <Text style={{ fontSize: 14, fontWeight: row.strong ? 700 : 400, margin: "4px 0" }}>{row.value}</Text>
            </Column>
          </Row>
        ))}
      </Section>
      {credit ? (
        <Text style={{ color: emailColors.muted }}>{documentText(lang, "payment.creditNote")}</Text>
      ) : doc.seller.paymentTerms.trim() ? (
        <Text style={{ color: emailColors.muted }}>{doc.seller.paymentTerms}</Text>
      ) : null}
      <Text>
        {documentText(lang, credit ? "email.attached.creditNote" : "email.attached.invoice")}
        {doc.seller.email ? ` ${documentText(lang, "email.questions", { email: doc.seller.email })}` : ""}
      </Text>
      <Text>{`${documentText(lang, "email.closing")}\n${doc.seller.legalName}`}</Text>
    </EmailLayout>
  );
}
