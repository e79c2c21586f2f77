import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { formatRunNumber } from "@/server/billing/run-list";
import { postWebhook, type Resolve } from "./post-webhook";
import { retryDelaySeconds } from "./retry-schedule";
import { privateTargetsAllowed } from "./target-policy";

// Outgoing webhooks: tenant endpoints receive billing events signed with the Standard Webhooks scheme.
// enqueueWebhookEvent stores one webhook_messages row per subscribed endpoint and hands the messages to a
// dispatcher (the Inngest function deliver-webhook, or the in-process sweeper); every attempt is recorded in
// webhook_deliveries and moves the message along the retry schedule (retry-schedule.ts).

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
  /** Called after the messages were stored. */
  dispatch(db: Db, messages: WebhookMessage[]): Promise<void>;
}

const holder = globalThis as unknown as { billrunWebhookDispatcher?: WebhookDispatcher | null };

/** Tests may force a dispatcher; otherwise Inngest when configured, else the in-process sweeper. */
export function setWebhookDispatcher(dispatcher: WebhookDispatcher | null) {
  holder.billrunWebhookDispatcher = dispatcher;
}

async function getDispatcher(): Promise<WebhookDispatcher> {
  if (holder.billrunWebhookDispatcher) return holder.billrunWebhookDispatcher;
  const { inngestConfigured } = await import("@/inngest/client");
  holder.billrunWebhookDispatcher = inngestConfigured()
    ? (await import("./inngest-dispatcher")).inngestWebhookDispatcher
    : (await import("./inline-dispatcher")).inlineWebhookDispatcher;
  return holder.billrunWebhookDispatcher;
}

/**
 * Publishes an event to every enabled endpoint of the tenant subscribed to its type (an endpoint with no event
 * list receives all). Call it after the change it announces has committed. Once it returns, the messages are
 * stored: without Inngest they survive a restart. Never throws for delivery problems.
 */
export async function enqueueWebhookEvent(
  db: Db,
  tenantId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<WebhookMessage[]> {
  const messageId = `msg_${randomUUID().replaceAll("-", "")}`;
  const occurredAt = new Date().toISOString();
  const endpoints = await queryRows<{ endpointId: string }>(
    db,
    sql`INSERT INTO webhook_messages (tenant_id, endpoint_id, message_id, event_type, occurred_at, data)
        SELECT tenant_id, id, ${messageId}, ${type}, ${occurredAt}::timestamptz, ${JSON.stringify(data)}::jsonb
          FROM webhook_endpoints
         WHERE tenant_id = ${tenantId} AND enabled AND (cardinality(events) = 0 OR ${type} = ANY(events))
        RETURNING endpoint_id AS "endpointId"`,
  );
  if (!endpoints.length) return [];
  const messages = endpoints.map((e) => ({ tenantId, endpointId: e.endpointId, messageId, type, occurredAt, data }));
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
  | { outcome: "RETRY"; status: number | null; error: string; retryInSeconds: number }
  | { outcome: "GAVE_UP"; status: number | null; error: string }
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

export type AttemptOptions = {
  timeoutMs?: number;
  /** default: WEBHOOK_ALLOW_PRIVATE_TARGETS / NODE_ENV (target-policy.ts) */
  allowPrivate?: boolean;
  /** tests: a stand-in DNS */
  resolve?: Resolve;
};

/**
 * Attempt number `attempt` (1-based) of one message, recorded in webhook_deliveries together with the message's
 * new state. 2xx delivers; 410 Gone disables the endpoint; anything else (other status, redirect, timeout,
 * network error, a target refused by the SSRF policy) is a failed attempt, retried per the schedule until the
 * last one gives up.
 */
export async function attemptDelivery(db: Queryable, message: WebhookMessage, attempt: number, options: AttemptOptions = {}): Promise<AttemptOutcome> {
  const [endpoint] = await queryRows<{ url: string; secret: string; enabled: boolean }>(
    db,
    sql`SELECT url, secret, enabled FROM webhook_endpoints WHERE id = ${message.endpointId}::uuid AND tenant_id = ${message.tenantId}`,
  );
  if (!endpoint) return { outcome: "SKIPPED", reason: "the endpoint was deleted" };
  if (!endpoint.enabled) return { outcome: "SKIPPED", reason: "the endpoint is disabled" };
  const request = signedDelivery(endpoint.secret, message);
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  let status: number | null = null;
  let error: string | null = null;
  try {
    const answer = await postWebhook(endpoint.url, request, { timeoutMs, allowPrivate: options.allowPrivate ?? privateTargetsAllowed(), resolve: options.resolve });
    status = answer.status;
    if (status >= 300 && status < 400) {
      error = `HTTP ${status}: redirects are not followed${answer.location ? ` (Location: ${answer.location.slice(0, 500)})` : ""}`;
    } else if (status < 200 || status >= 300) {
      error = `HTTP ${status}`;
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }

  const outcome = outcomeOf(status, error, attempt);
  const messageState = { DELIVERED: "DELIVERED", GONE: "GONE", GAVE_UP: "GAVE_UP", RETRY: "PENDING" }[outcome.outcome];
  const retryIn = outcome.outcome === "RETRY" ? outcome.retryInSeconds : null;
  const disabledReason = outcome.outcome === "GONE" ? `answered 410 Gone to ${message.messageId} on ${new Date().toISOString()}` : null;
  // One statement, so the attempt, the message's next state and a 410's disabling are stored together.
  await db.execute(
    sql`WITH recorded AS (
          INSERT INTO webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload, attempt, response_status, error)
          VALUES (${message.tenantId}, ${message.endpointId}::uuid, ${message.messageId}, ${message.type}, ${request.body}::jsonb,
            ${attempt}, ${status}, ${error})
        ), moved AS (
          UPDATE webhook_messages SET attempts = GREATEST(attempts, ${attempt}), status = ${messageState}::webhook_message_status,
            next_attempt_at = CASE WHEN ${retryIn}::int IS NULL THEN NULL ELSE now() + make_interval(secs => ${retryIn}::int) END
          WHERE endpoint_id = ${message.endpointId}::uuid AND message_id = ${message.messageId} AND tenant_id = ${message.tenantId}
            AND status = 'PENDING'
        )
        UPDATE webhook_endpoints SET enabled = false, disabled_reason = ${disabledReason}
        WHERE ${disabledReason}::text IS NOT NULL AND id = ${message.endpointId}::uuid AND tenant_id = ${message.tenantId}`,
  );
  return outcome;
}

function outcomeOf(status: number | null, error: string | null, attempt: number): Exclude<AttemptOutcome, { outcome: "SKIPPED" }> {
  if (status === 410) return { outcome: "GONE", status: 410 };
  if (status !== null && status >= 200 && status < 300) return { outcome: "DELIVERED", status };
  const retryInSeconds = retryDelaySeconds(attempt);
  const failure = { status, error: error ?? "failed" };
  return retryInSeconds === null ? { outcome: "GAVE_UP", ...failure } : { outcome: "RETRY", ...failure, retryInSeconds };
}
