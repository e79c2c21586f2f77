import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { loadRun } from "@/server/billing/runs-core";
import { isAbandoned, runningJob } from "@/server/jobs/lifecycle";
import { log } from "@/server/log";
import { deliverCorrectionDocuments } from "@/server/notifications/correction-documents";
import { startInvoiceEmailsOnPost } from "@/server/notifications/invoice-emails";
import { sendRunNotification } from "@/server/notifications/run-notifications";
import { OUTBOX_CONSUMERS, type OutboxConsumer, type RunMilestone } from "./outbox";

// The outbox's consumers. Each claims rows still pending for it and removes itself from them once handled:
// - webhooks: in the same transaction, stores one webhook_messages row per subscribed endpoint (webhook-id derived from
//   the fact's type and source, so the same fact is one message per endpoint), set-based — the sweeper delivers them;
// - run-email: the run status e-mail (idempotency key run:<id>:<milestone>: sent once whatever is replayed);
// - invoice-email: a run posted with "e-mail invoices" starts its EMAIL job (once; an abandoned one is taken over);
// - correction-documents: a posted correction credit note (no run) gets its PDF / XML stored and is e-mailed to the buyer.
// The two e-mail consumers act outside the database, so they act first and mark after: a crash in between repeats the
// action, which its idempotency makes harmless.

const WEBHOOK_FAN_OUT_BATCH = 5_000;
const ROW_BATCH = 100;

/** The webhook-id of a fact's messages: msg_ and 32 hex digits, the same for every endpoint and every attempt. */
export const webhookMessageId = (type: SQL, sourceId: SQL) => sql`'msg_' || md5(${type} || ':' || ${sourceId}::text)`;

/** Webhook messages for a batch of pending events; returns how many events were handled. */
export async function fanOutWebhooks(db: Db, limit = WEBHOOK_FAN_OUT_BATCH): Promise<number> {
  const [row] = await queryRows<{ events: number }>(
    db,
    sql`WITH batch AS (
          SELECT id FROM outbox_events WHERE pending <> '{}' AND ${OUTBOX_CONSUMERS.webhooks} = ANY(pending)
          ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED
        ), handled AS (
          UPDATE outbox_events o SET pending = array_remove(o.pending, ${OUTBOX_CONSUMERS.webhooks}::text) FROM batch WHERE o.id = batch.id
          RETURNING o.id, o.tenant_id, o.type, o.billing_run_id, o.source_id, o.data, o.occurred_at
        ), stored AS (
          INSERT INTO webhook_messages (tenant_id, endpoint_id, message_id, event_type, occurred_at, data)
          SELECT h.tenant_id, e.id, ${webhookMessageId(sql`h.type`, sql`h.source_id`)}, h.type, h.occurred_at,
            coalesce(h.data, jsonb_build_object(
              'invoiceId', i.id, 'number', i.number, 'type', i.type, 'currency', i.currency,
              'netTotal', i.net_total::text, 'taxTotal', i.tax_total::text, 'grossTotal', i.gross_total::text,
              'invoiceDate', i.invoice_date::text, 'dueDate', i.due_date::text, 'accountExternalId', a.external_id,
              'runId', h.billing_run_id, 'xmlUrl', '/api/v1/invoices/' || i.id || '/xml', 'pdfUrl', '/api/v1/invoices/' || i.id || '/pdf'))
          FROM handled h
          JOIN webhook_endpoints e ON e.tenant_id = h.tenant_id AND e.enabled AND (cardinality(e.events) = 0 OR h.type = ANY(e.events))
          LEFT JOIN invoices i ON h.data IS NULL AND i.id = h.source_id AND i.tenant_id = h.tenant_id
          LEFT JOIN customer_accounts a ON a.id = i.account_id
          ON CONFLICT (endpoint_id, message_id) DO NOTHING
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM handled)::int AS events, (SELECT count(*) FROM stored)::int AS messages`,
  );
  return row?.events ?? 0;
}

type PendingEvent = { id: number; tenant_id: string; type: string; billing_run_id: string; data: { error?: string; creditNoteId?: string } | null };

async function pendingFor(db: Db, consumer: OutboxConsumer): Promise<PendingEvent[]> {
  return queryRows<PendingEvent>(
    db,
    sql`SELECT id, tenant_id, type, billing_run_id, data FROM outbox_events
        WHERE pending <> '{}' AND ${consumer} = ANY(pending) ORDER BY id LIMIT ${ROW_BATCH}`,
  );
}

async function markHandled(db: Db, consumer: OutboxConsumer, id: number) {
  await db.execute(sql`UPDATE outbox_events SET pending = array_remove(pending, ${consumer}::text) WHERE id = ${id}`);
}

const milestoneOf = (type: string) => type.replace("billing_run.", "").toUpperCase() as RunMilestone;

/** Run status e-mails for pending milestones; returns how many were handled. */
export async function sendRunEmails(db: Db): Promise<number> {
  const events = await pendingFor(db, OUTBOX_CONSUMERS.runEmail);
  for (const e of events) {
    const milestone = milestoneOf(e.type);
    // A failed e-mail is recorded (email_outbox, the job's log) and not retried here: it never blocks the others.
    await sendRunNotification({ db, tenantId: e.tenant_id, runId: e.billing_run_id, milestone, error: e.data?.error }).catch((error: unknown) =>
      log.error({ tenantId: e.tenant_id, runId: e.billing_run_id, milestone, err: String(error) }, "run e-mail failed"),
    );
    await markHandled(db, OUTBOX_CONSUMERS.runEmail, e.id);
  }
  return events.length;
}

/**
 * Posted runs with "e-mail invoices" start their EMAIL job. While an EMAIL job of the run is still running in a live
 * process the event stays pending (returned as `waiting`); an abandoned one is taken over by the new start.
 */
export async function startInvoiceEmailJobs(db: Db): Promise<{ handled: number; waiting: number }> {
  const events = await pendingFor(db, OUTBOX_CONSUMERS.invoiceEmail);
  let waiting = 0;
  for (const e of events) {
    const run = await loadRun(db, e.tenant_id, e.billing_run_id).catch(() => null);
    if (run?.emailInvoices) {
      const running = await runningJob(db, run.id, "EMAIL");
      if (running && !isAbandoned(db, running)) {
        waiting++;
        continue;
      }
      await startInvoiceEmailsOnPost(db, run);
    }
    await markHandled(db, OUTBOX_CONSUMERS.invoiceEmail, e.id);
  }
  return { handled: events.length - waiting, waiting };
}

/**
 * Posted correction credit notes: their documents stored and the e-mail sent (idempotent: stored documents are kept,
 * one e-mail per credit note ever). A failure is logged and the e-mail row shows it (FAILED); it never blocks the others.
 */
export async function deliverCorrections(db: Db): Promise<number> {
  const events = await pendingFor(db, OUTBOX_CONSUMERS.correctionDocuments);
  for (const e of events) {
    const creditNoteId = e.data?.creditNoteId;
    if (creditNoteId) {
      await deliverCorrectionDocuments(db, e.tenant_id, creditNoteId).catch((error: unknown) =>
        log.error({ tenantId: e.tenant_id, creditNoteId, err: String(error) }, "correction credit note documents or e-mail failed"),
      );
    }
    await markHandled(db, OUTBOX_CONSUMERS.correctionDocuments, e.id);
  }
  return events.length;
}

/** Every consumer until nothing is pending for it; `waiting`: rows left pending on purpose (look again later). */
export async function drainOutbox(db: Db): Promise<{ handled: number; waiting: number }> {
  let handled = 0;
  for (let n; (n = await fanOutWebhooks(db)); ) handled += n;
  for (let n; (n = await sendRunEmails(db)); ) handled += n;
  for (let n; (n = await deliverCorrections(db)); ) handled += n;
  const emails = await startInvoiceEmailJobs(db);
  return { handled: handled + emails.handled, waiting: emails.waiting };
}
