import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { runtime } from "@/server/runtime";
import { postWebhook, type Resolve } from "./post-webhook";
import { retryDelaySeconds } from "./retry-schedule";

// Outgoing webhooks: tenant endpoints receive billing events signed with the Standard Webhooks scheme.
// The outbox's webhooks consumer (server/outbox/consumers.ts) stores one webhook_messages row per subscribed endpoint
// and event; the sweeper (sweeper.ts) delivers them, woken when they are stored and when a retry is due. Every attempt
// is recorded in webhook_deliveries and moves the message along the retry schedule (retry-schedule.ts).

export const WEBHOOK_EVENT_TYPES = [
  "billing_run.drafts_ready",
  "billing_run.posted",
  "billing_run.failed",
  "invoice.posted",
  "credit_note.posted",
] as const;
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

/**
 * Publishes an event to every enabled endpoint of the tenant subscribed to its type (an endpoint with no event
 * list receives all), outside the outbox: for events that are not the effect of a transaction (a test message).
 * Facts of the billing engine go through the outbox (server/outbox/). Never throws for delivery problems.
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
  runtime().outbox.wake(db);
  return endpoints.map((e) => ({ tenantId, endpointId: e.endpointId, messageId, type, occurredAt, data }));
}

export type AttemptOutcome =
  | { outcome: "DELIVERED"; status: number }
  | { outcome: "RETRY"; status: number | null; error: string; retryInSeconds: number }
  | { outcome: "GAVE_UP"; status: number | null; error: string }
  | { outcome: "GONE"; status: 410 }
  | { outcome: "SKIPPED"; reason: string };

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
  /** default: the runtime's settings (WEBHOOK_ALLOW_PRIVATE_TARGETS / NODE_ENV) */
  allowPrivate?: boolean;
  /** tests: a stand-in DNS */
  resolve?: Resolve;
};

export type EndpointTarget = { url: string; secret: string; enabled: boolean };

/** One attempt's result, to be recorded with the message's next state (recordAttempts). */
export type AttemptRecord = {
  /** the webhook_messages row (its primary key: the record's UPDATE reaches each row by one index probe) */
  rowId: string;
  message: WebhookMessage;
  attempt: number;
  body: string;
  status: number | null;
  error: string | null;
  outcome: AttemptOutcome;
};

/**
 * The HTTP part of one attempt: POST the signed message to the endpoint. 2xx delivers; 410 Gone disables the
 * endpoint; anything else (other status, redirect, timeout, network error, a target refused by the SSRF policy) is a
 * failed attempt, retried per the schedule until the last one gives up. Nothing is written here.
 */
export async function sendAttempt(
  endpoint: EndpointTarget,
  rowId: string,
  message: WebhookMessage,
  attempt: number,
  options: AttemptOptions = {},
): Promise<AttemptRecord> {
  const request = signedDelivery(endpoint.secret, message);
  const settings = runtime().settings.webhooks;
  let status: number | null = null;
  let error: string | null = null;
  try {
    const answer = await postWebhook(endpoint.url, request, {
      timeoutMs: options.timeoutMs ?? settings.timeoutMs,
      allowPrivate: options.allowPrivate ?? settings.allowPrivateTargets,
      resolve: options.resolve,
    });
    status = answer.status;
    if (status >= 300 && status < 400) {
      error = `HTTP ${status}: redirects are not followed${answer.location ? ` (Location: ${answer.location.slice(0, 500)})` : ""}`;
    } else if (status < 200 || status >= 300) {
      error = `HTTP ${status}`;
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  return { rowId, message, attempt, body: request.body, status, error, outcome: outcomeOf(status, error, attempt) };
}

/**
 * Records attempts with their messages' next state in one statement: the attempts in webhook_deliveries, each
 * message DELIVERED / PENDING with its retry time / GAVE_UP / GONE, and a 410's endpoint disabled.
 */
export async function recordAttempts(db: Queryable, records: AttemptRecord[]): Promise<void> {
  const rows = records
    .filter((r) => r.outcome.outcome !== "SKIPPED")
    .map((r) => ({
      row_id: r.rowId,
      tenant_id: r.message.tenantId,
      endpoint_id: r.message.endpointId,
      message_id: r.message.messageId,
      event_type: r.message.type,
      payload: r.body,
      attempt: r.attempt,
      status: r.status,
      error: r.error,
      state: { DELIVERED: "DELIVERED", GONE: "GONE", GAVE_UP: "GAVE_UP", RETRY: "PENDING", SKIPPED: "PENDING" }[r.outcome.outcome],
      retry_in: r.outcome.outcome === "RETRY" ? r.outcome.retryInSeconds : null,
      disabled_reason: r.outcome.outcome === "GONE" ? `answered 410 Gone to ${r.message.messageId} on ${new Date().toISOString()}` : null,
    }));
  if (!rows.length) return;
  await db.execute(
    sql`WITH r AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(row_id uuid, tenant_id text, endpoint_id uuid, message_id text,
            event_type text, payload text, attempt int, status int, error text, state text, retry_in int, disabled_reason text)
        ), recorded AS (
          INSERT INTO webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload, attempt, response_status, error)
          SELECT tenant_id, endpoint_id, message_id, event_type, payload::jsonb, attempt, status, error FROM r
        ), moved AS (
          UPDATE webhook_messages m SET attempts = GREATEST(m.attempts, r.attempt), status = r.state::webhook_message_status,
            next_attempt_at = CASE WHEN r.retry_in IS NULL THEN NULL ELSE now() + make_interval(secs => r.retry_in) END
          FROM r
          WHERE m.id = r.row_id AND m.tenant_id = r.tenant_id AND m.status = 'PENDING'
        )
        UPDATE webhook_endpoints e SET enabled = false, disabled_reason = r.disabled_reason
        FROM r WHERE r.disabled_reason IS NOT NULL AND e.id = r.endpoint_id AND e.tenant_id = r.tenant_id`,
  );
}

/**
 * Attempt number `attempt` (1-based) of one message, recorded in webhook_deliveries together with the message's
 * new state (sendAttempt + recordAttempts for one message).
 */
export async function attemptDelivery(db: Queryable, message: WebhookMessage, attempt: number, options: AttemptOptions = {}): Promise<AttemptOutcome> {
  const [endpoint] = await queryRows<EndpointTarget & { rowId: string | null }>(
    db,
    sql`SELECT e.url, e.secret, e.enabled, m.id AS "rowId" FROM webhook_endpoints e
        LEFT JOIN webhook_messages m ON m.endpoint_id = e.id AND m.message_id = ${message.messageId}
        WHERE e.id = ${message.endpointId}::uuid AND e.tenant_id = ${message.tenantId}`,
  );
  if (!endpoint) return { outcome: "SKIPPED", reason: "the endpoint was deleted" };
  if (!endpoint.enabled) return { outcome: "SKIPPED", reason: "the endpoint is disabled" };
  if (!endpoint.rowId) return { outcome: "SKIPPED", reason: "no such message for this endpoint" };
  const record = await sendAttempt(endpoint, endpoint.rowId, message, attempt, options);
  await recordAttempts(db, [record]);
  return record.outcome;
}

export function outcomeOf(status: number | null, error: string | null, attempt: number): Exclude<AttemptOutcome, { outcome: "SKIPPED" }> {
  if (status === 410) return { outcome: "GONE", status: 410 };
  if (status !== null && status >= 200 && status < 300) return { outcome: "DELIVERED", status };
  const retryInSeconds = retryDelaySeconds(attempt);
  const failure = { status, error: error ?? "failed" };
  return retryInSeconds === null ? { outcome: "GAVE_UP", ...failure } : { outcome: "RETRY", ...failure, retryInSeconds };
}
