import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { formatRunNumber } from "@/server/billing/run-list";

// Outgoing webhooks: tenant endpoints receive billing events signed with the Standard Webhooks scheme.
// enqueueWebhookEvent picks the subscribed endpoints and hands one message per endpoint to a dispatcher
// (the Inngest function deliver-webhook, or the inline dispatcher); every attempt is recorded in webhook_deliveries.

export const WEBHOOK_EVENT_TYPES = ["billing_run.drafts_ready", "billing_run.posted", "billing_run.failed", "invoice.posted"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export type WebhookMessage = {
  tenantId: string;
  endpointId: string;
  /** webhook-id: the same for every attempt (receivers deduplicate on it) */
  messageId: string;
  type: WebhookEventType;
  occurredAt: string;
  data: Record<string, unknown>;
};

export interface WebhookDispatcher {
  readonly name: "inline" | "inngest";
  dispatch(db: Db, messages: WebhookMessage[]): Promise<void>;
}

const holder = globalThis as unknown as { billrunWebhookDispatcher?: WebhookDispatcher | null };

/** Tests may force a dispatcher; otherwise Inngest when configured, else inline. */
export function setWebhookDispatcher(dispatcher: WebhookDispatcher | null) {
  holder.billrunWebhookDispatcher = dispatcher;
}

async function getDispatcher(): Promise<WebhookDispatcher> {
  if (holder.billrunWebhookDispatcher) return holder.billrunWebhookDispatcher;
  const { inngestConfigured } = await import("@/inngest/client");
  holder.billrunWebhookDispatcher = inngestConfigured() ? (await import("./inngest-dispatcher")).inngestWebhookDispatcher : inlineWebhookDispatcher;
  return holder.billrunWebhookDispatcher;
}

/**
 * Publishes an event to every enabled endpoint of the tenant subscribed to its type (an endpoint with no event
 * list receives all). Call it after the change it announces has committed. Never throws for delivery problems.
 */
export async function enqueueWebhookEvent(
  db: Db,
  tenantId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<WebhookMessage[]> {
  const endpoints = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM webhook_endpoints
        WHERE tenant_id = ${tenantId} AND enabled AND (cardinality(events) = 0 OR ${type} = ANY(events))`,
  );
  if (!endpoints.length) return [];
  const messageId = `msg_${randomUUID().replaceAll("-", "")}`;
  const occurredAt = new Date().toISOString();
  const messages = endpoints.map((e) => ({ tenantId, endpointId: e.id, messageId, type, occurredAt, data }));
  await (await getDispatcher()).dispatch(db, messages);
  return messages;
}

/** Events of a run milestone: billing_run.<milestone>, and invoice.posted for each invoice a posting posted. */
export async function publishRunMilestone(
  db: Db,
  milestone: { tenantId: string; runId: string; milestone: "DRAFTS_READY" | "POSTED" | "FAILED"; error?: string },
) {
  const [run] = await queryRows<{ number: number; status: string; invoicesCount: number; postedCount: number; totals: unknown }>(
    db,
    sql`SELECT number, status, invoices_count AS "invoicesCount", posted_count AS "postedCount", totals
        FROM billing_runs WHERE id = ${milestone.runId}::uuid AND tenant_id = ${milestone.tenantId}`,
  );
  if (!run) return;
  const type = `billing_run.${milestone.milestone.toLowerCase()}` as WebhookEventType;
  await enqueueWebhookEvent(db, milestone.tenantId, type, {
    runId: milestone.runId,
    number: formatRunNumber(run.number),
    status: run.status,
    invoicesCount: run.invoicesCount,
    postedCount: run.postedCount,
    totals: run.totals,
    ...(milestone.error ? { error: milestone.error } : {}),
    statusUrl: `/api/v1/billing-runs/${milestone.runId}`,
  });
  if (milestone.milestone !== "POSTED") return;
  const [subscribed] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM webhook_endpoints
        WHERE tenant_id = ${milestone.tenantId} AND enabled AND (cardinality(events) = 0 OR 'invoice.posted' = ANY(events))`,
  );
  if (!subscribed.n) return;
  let after = "";
  // Pages of invoices, so a run with many invoices never sits in memory at once.
  for (;;) {
    const page = await queryRows<Record<string, string>>(
      db,
      sql`SELECT i.id AS "invoiceId", i.number, i.type, i.currency, i.net_total::text AS "netTotal", i.tax_total::text AS "taxTotal",
            i.gross_total::text AS "grossTotal", i.invoice_date::text AS "invoiceDate", i.due_date::text AS "dueDate",
            a.external_id AS "accountExternalId"
          FROM invoices i JOIN customer_accounts a ON a.id = i.account_id
          WHERE i.tenant_id = ${milestone.tenantId} AND i.billing_run_id = ${milestone.runId}::uuid AND i.status = 'POSTED'
            AND i.id::text > ${after}
          ORDER BY i.id::text LIMIT 500`,
    );
    for (const invoice of page) {
      await enqueueWebhookEvent(db, milestone.tenantId, "invoice.posted", {
        ...invoice,
        runId: milestone.runId,
        xmlUrl: `/api/v1/invoices/${invoice.invoiceId}/xml`,
        pdfUrl: `/api/v1/invoices/${invoice.invoiceId}/pdf`,
      });
    }
    if (page.length < 500) break;
    after = page[page.length - 1].invoiceId;
  }
}

export type AttemptOutcome =
  | { outcome: "DELIVERED"; status: number }
  | { outcome: "RETRY"; status: number | null; error: string }
  | { outcome: "GONE"; status: 410 }
  | { outcome: "SKIPPED"; reason: string };

export const DELIVERY_TIMEOUT_MS = 10_000;

/** The signed request for one attempt: body `{type, timestamp, data}`, Standard Webhooks headers. */
export function signedDelivery(secret: string, message: WebhookMessage, now = new Date()) {
  const body = JSON.stringify({ type: message.type, timestamp: message.occurredAt, data: message.data });
  const signature = new Webhook(secret).sign(message.messageId, now, body);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "Billrun-Webhooks/1",
      "webhook-id": message.messageId,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    },
  };
}

/**
 * One delivery attempt, recorded in webhook_deliveries. 2xx delivers; 410 Gone disables the endpoint;
 * anything else (other status, timeout, network error) asks for a retry.
 */
export async function attemptDelivery(
  db: Queryable,
  message: WebhookMessage,
  attempt: number,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<AttemptOutcome> {
  const [endpoint] = await queryRows<{ url: string; secret: string; enabled: boolean }>(
    db,
    sql`SELECT url, secret, enabled FROM webhook_endpoints WHERE id = ${message.endpointId}::uuid AND tenant_id = ${message.tenantId}`,
  );
  if (!endpoint) return { outcome: "SKIPPED", reason: "the endpoint was deleted" };
  if (!endpoint.enabled) return { outcome: "SKIPPED", reason: "the endpoint is disabled" };
  const request = signedDelivery(endpoint.secret, message);
  let status: number | null = null;
  let error: string | null = null;
  try {
    const response = await (options.fetch ?? fetch)(endpoint.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? DELIVERY_TIMEOUT_MS),
    });
    status = response.status;
    await response.body?.cancel().catch(() => {});
    if (status < 200 || status >= 300) error = `HTTP ${status}`;
  } catch (e) {
    error = e instanceof Error ? (e.name === "TimeoutError" ? `timed out after ${options.timeoutMs ?? DELIVERY_TIMEOUT_MS} ms` : e.message) : String(e);
  }
  await db.execute(
    sql`INSERT INTO webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload, attempt, response_status, error)
        VALUES (${message.tenantId}, ${message.endpointId}::uuid, ${message.messageId}, ${message.type}, ${request.body}::jsonb,
          ${attempt}, ${status}, ${error})`,
  );
  if (status === 410) {
    await db.execute(
      sql`UPDATE webhook_endpoints SET enabled = false, disabled_reason = ${`answered 410 Gone to ${message.messageId} on ${new Date().toISOString()}`}
          WHERE id = ${message.endpointId}::uuid AND tenant_id = ${message.tenantId}`,
    );
    return { outcome: "GONE", status: 410 };
  }
  if (status !== null && status >= 200 && status < 300) return { outcome: "DELIVERED", status };
  return { outcome: "RETRY", status, error: error ?? "failed" };
}

/** Seconds to wait before attempt n+1 of the inline dispatcher (the Inngest function uses Inngest's back-off). */
export const INLINE_BACKOFF_SECONDS = [5, 30, 120, 600, 1800];

/** Delivers with retries in this process (no Inngest): best effort, lost if the process stops. */
export const inlineWebhookDispatcher: WebhookDispatcher = {
  name: "inline",
  async dispatch(db, messages) {
    for (const message of messages) void deliverInline(db, message, 1);
  },
};

async function deliverInline(db: Db, message: WebhookMessage, attempt: number): Promise<void> {
  try {
    const result = await attemptDelivery(db, message, attempt);
    if (result.outcome !== "RETRY" || attempt > INLINE_BACKOFF_SECONDS.length) return;
    const timer = setTimeout(() => void deliverInline(db, message, attempt + 1), INLINE_BACKOFF_SECONDS[attempt - 1] * 1000);
    timer.unref?.();
  } catch (error) {
    console.error(`[webhooks] delivery of ${message.messageId} to ${message.endpointId} failed:`, error);
  }
}
