import { Button, Column, Heading, Row, Section, Text } from "@react-email/components";
import { formatMoney } from "@/lib/money";
import { EmailLayout, emailColors } from "./email-layout";

export type RunEmailStatus = "DRAFTS_READY" | "POSTED" | "FAILED";

export type RunEmailProps = {
  tenantName: string;
  runNumber: string;
  description: string;
  status: RunEmailStatus;
  /** e.g. { DRAFT: 120, SUSPECT: 3, REJECTED: 1 } or { POSTED: 124 } */
  invoiceCounts: Partial<Record<"DRAFT" | "SUSPECT" | "REJECTED" | "POSTED" | "CANCELED", number>>;
  totals: Array<{ currency: string; net: string; tax: string; gross: string }>;
  /** failed accounts or subscriptions */
  failuresCount: number;
  errorSummary?: string | null;
  url: string;
  locale?: string;
};

const HEADLINES: Record<RunEmailStatus, string> = {
  DRAFTS_READY: "Draft invoices are ready for review",
  POSTED: "Billing run posted",
  FAILED: "Billing run failed",
};

export function runEmailSubject(p: Pick<RunEmailProps, "runNumber" | "status" | "failuresCount">): string {
  const what = { DRAFTS_READY: "drafts ready for review", POSTED: "posted", FAILED: "failed" }[p.status];
  const failures = p.failuresCount > 0 && p.status !== "FAILED" ? ` (${p.failuresCount} failed account${p.failuresCount === 1 ? "" : "s"})` : "";
  return `Billing run ${p.runNumber} ${what}${failures}`;
}

export function RunStatusEmail(p: RunEmailProps) {
  const counts = Object.entries(p.invoiceCounts).filter(([, n]) => (n ?? 0) > 0);
  const tone = p.status === "FAILED" ? emailColors.danger : p.status === "POSTED" ? emailColors.ok : emailColors.accent;
  return (
    <EmailLayout title={runEmailSubject(p)} preview={`${p.runNumber}: ${HEADLINES[p.status]}`} footer={`${p.tenantName} · sent by Billrun`}>
      <Text style={{ fontSize: 12, color: tone, fontWeight: 700, textTransform: "uppercase", margin: 0 }}>{p.status.replace("_", " ")}</Text>
      <Heading as="h1" style={{ fontSize: 22, margin: "6px 0 4px" }}>{`${HEADLINES[p.status]} — ${p.runNumber}`}</Heading>
      <Text style={{ color: emailColors.muted, marginTop: 0 }}>{p.description}</Text>

      {counts.length > 0 ? (
        <Section style={{ margin: "12px 0" }}>
          <Row>
            {counts.map(([status, n]) => (
              <Column key={status} style={{ paddingRight: 16 }}>
                <Text style={{ fontSize: 20, fontWeight: 700, margin: 0 }}>{String(n)}</Text>
                <Text style={{ fontSize: 12, color: emailColors.muted, margin: 0 }}>{`${status.toLowerCase()} invoices`}</Text>
              </Column>
            ))}
          </Row>
        </Section>
      ) : null}

      {p.totals.length > 0 ? (
        <Section style={{ margin: "12px 0" }}>
          <Row>
            <Column><Text style={th}>Currency</Text></Column>
            <Column><Text style={thRight}>Excl. VAT</Text></Column>
            <Column><Text style={thRight}>VAT</Text></Column>
            <Column><Text style={thRight}>Total</Text></Column>
          </Row>
          {p.totals.map((t) => (
            <Row key={t.currency}>
              <Column><Text style={td}>{t.currency}</Text></Column>
              <Column><Text style={tdRight}>{formatMoney(t.net, t.currency, p.locale)}</Text></Column>
              <Column><Text style={tdRight}>{formatMoney(t.tax, t.currency, p.locale)}</Text></Column>
              <Column><Text style={{ ...tdRight, fontWeight: 700 }}>{formatMoney(t.gross, t.currency, p.locale)}</Text></Column>
            </Row>
          ))}
        </Section>
      ) : null}

      {p.failuresCount > 0 ? (
        <Text style={{ color: emailColors.danger }}>
          {`${p.failuresCount} account${p.failuresCount === 1 ? "" : "s"} or subscription${p.failuresCount === 1 ? "" : "s"} failed and ${p.failuresCount === 1 ? "was" : "were"} left out of this run.`}
        </Text>
      ) : null}
      {p.status === "FAILED" && p.errorSummary ? <Text style={{ color: emailColors.danger }}>{`Error: ${p.errorSummary}`}</Text> : null}

      <Button href={p.url} style={{ backgroundColor: emailColors.accent, color: "#ffffff", padding: "10px 18px", borderRadius: 6, fontSize: 14, marginTop: 8 }}>
        {p.status === "DRAFTS_READY" ? "Review the drafts" : "Open the billing run"}
      </Button>
    </EmailLayout>
  );
}

const th = { fontSize: 12, color: emailColors.muted, margin: "0 0 4px" };
const thRight = { ...th, textAlign: "right" as const };
const td = { fontSize: 14, margin: "2px 0" };
const tdRight = { ...td, textAlign: "right" as const };
