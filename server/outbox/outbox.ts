import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { formatRunNumber } from "@/lib/run-number";
import { textArray } from "@/server/billing/stages/sql-arrays";

// Writing facts to the transactional outbox (db/schema/outbox.ts), always inside the transaction of their cause. A fact
// is identified by (type, source): the webhook-id of its messages derives from them, so a fact written twice would
// still be one message per endpoint (webhook_messages' unique key).
// After that transaction commits, the caller wakes the consumers (runtime().outbox.wake) — a lost wake-up only delays
// them until the sweeper's timer or the next start, never loses a row.

/** Who reads the outbox; each removes itself from a row's `pending` when it has handled it. */
export const OUTBOX_CONSUMERS = {
  webhooks: "webhooks",
  runEmail: "run-email",
  invoiceEmail: "invoice-email",
  correctionDocuments: "correction-documents",
} as const;
export type OutboxConsumer = (typeof OUTBOX_CONSUMERS)[keyof typeof OUTBOX_CONSUMERS];

export type RunMilestone = "DRAFTS_READY" | "POSTED" | "FAILED";

/** The channel the outbox sweepers of every process LISTEN on; a NOTIFY in a transaction is delivered at its commit. */
export const OUTBOX_CHANNEL = "billrun_outbox";
const notifySweepers = sql`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;

/** billing_run.<milestone>: one row per job that reached it, with the run's state at that moment as the payload. */
export async function recordRunMilestone(
  tx: Queryable,
  m: { tenantId: string; runId: string; jobId: string; milestone: RunMilestone; error?: string },
): Promise<void> {
  const [run] = await queryRows<{ number: number; status: string; invoicesCount: number; postedCount: number; totals: unknown }>(
    tx,
    sql`SELECT number, status, invoices_count AS "invoicesCount", posted_count AS "postedCount", totals
        FROM billing_runs WHERE id = ${m.runId}::uuid AND tenant_id = ${m.tenantId}`,
  );
  if (!run) return;
  const data = {
    runId: m.runId,
    number: formatRunNumber(run.number),
    status: run.status,
    invoicesCount: run.invoicesCount,
    postedCount: run.postedCount,
    totals: run.totals,
    ...(m.error ? { error: m.error } : {}),
    statusUrl: `/api/v1/billing-runs/${m.runId}`,
  };
  const pending = [OUTBOX_CONSUMERS.webhooks, OUTBOX_CONSUMERS.runEmail, ...(m.milestone === "POSTED" ? [OUTBOX_CONSUMERS.invoiceEmail] : [])];
  await tx.execute(
    sql`INSERT INTO outbox_events (tenant_id, type, billing_run_id, source_id, data, pending)
        VALUES (${m.tenantId}, ${`billing_run.${m.milestone.toLowerCase()}`}, ${m.runId}::uuid, ${m.jobId}::uuid,
          ${JSON.stringify(data)}::jsonb, ${textArray(pending)})`,
  );
  await tx.execute(notifySweepers);
}

/**
 * invoice.posted for every invoice a posting chunk has just posted, set-based in the chunk's transaction: called by
 * postingChunk (server/billing/stages/posting.ts), whose transaction-scoped `posting_order` table lists them. Written only when an enabled endpoint of the tenant subscribes to it: the
 * webhooks are its only consumer.
 */
export async function recordInvoicesPosted(tx: Queryable, tenantId: string, runId: string): Promise<void> {
  await tx.execute(
    sql`INSERT INTO outbox_events (tenant_id, type, billing_run_id, source_id, pending)
        SELECT ${tenantId}, 'invoice.posted', ${runId}::uuid, o.id, ${textArray([OUTBOX_CONSUMERS.webhooks])}
        FROM posting_order o
        WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.tenant_id = ${tenantId} AND e.enabled
                        AND (cardinality(e.events) = 0 OR 'invoice.posted' = ANY(e.events)))`,
  );
  await tx.execute(notifySweepers);
}

/**
 * credit_note.posted for a correction credit note, in the transaction that posts it. The payload is the posted credit
 * note (immutable) and the invoice it corrects; the row names the original's billing run (the credit note has none).
 * Its consumers: the webhooks, and correction-documents (its PDF / XML stored, the e-mail to the buyer).
 */
export async function recordCreditNotePosted(tx: Queryable, tenantId: string, creditNoteId: string): Promise<void> {
  await tx.execute(
    sql`INSERT INTO outbox_events (tenant_id, type, billing_run_id, source_id, data, pending)
        SELECT ${tenantId}, 'credit_note.posted', o.billing_run_id, n.id,
          jsonb_build_object(
            'creditNoteId', n.id, 'number', n.number, 'type', n.type, 'currency', n.currency,
            'netTotal', (-n.net_total)::text, 'taxTotal', (-n.tax_total)::text, 'grossTotal', (-n.gross_total)::text,
            'issueDate', n.invoice_date::text, 'reason', n.credit_reason, 'accountExternalId', a.external_id,
            'correctsInvoice', jsonb_build_object('invoiceId', o.id, 'number', o.number, 'issueDate', o.invoice_date::text),
            'rebilledItems', (SELECT count(*) FROM rebilled_items x WHERE x.credit_note_id = n.id),
            'xmlUrl', '/api/v1/invoices/' || n.id || '/xml', 'pdfUrl', '/api/v1/invoices/' || n.id || '/pdf'),
          ${textArray([OUTBOX_CONSUMERS.webhooks, OUTBOX_CONSUMERS.correctionDocuments])}
        FROM invoices n
        JOIN invoices o ON o.id = n.corrects_invoice_id AND o.tenant_id = n.tenant_id
        JOIN customer_accounts a ON a.id = n.account_id
        WHERE n.id = ${creditNoteId}::uuid AND n.tenant_id = ${tenantId} AND n.status = 'POSTED'`,
  );
  await tx.execute(notifySweepers);
}
