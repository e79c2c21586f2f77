import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { log } from "@/server/log";
import { injectFault, ProcessCrash, runtime } from "@/server/runtime";
import { recordAttempts, sendAttempt, type AttemptOptions, type AttemptRecord, type EndpointTarget, type WebhookEventType, type WebhookMessage } from "./outgoing";
import { WEBHOOK_MAX_ATTEMPTS } from "./retry-schedule";
import { pooled } from "@/lib/pooled";

// Delivers outgoing webhooks from webhook_messages, the durable queue: a pass claims due messages in batches (pending,
// endpoint enabled, next_attempt_at reached), attempts them concurrently (bounded per process and per endpoint) and
// records the outcomes in batches with each message's next attempt time from the retry schedule. The outbox sweeper
// (server/outbox/sweeper.ts) runs passes when woken and when the next retry is due; so does the Inngest function.

/** How long a claim holds a message; a process that died mid-attempt loses it after this, and a later pass retries. */
export const CLAIM_LEASE_SECONDS = 60;
/** Outcomes are recorded in groups of this many (or when the batch ends), not one statement per attempt. */
const RECORD_EVERY = 100;

export type ClaimedMessage = { message: WebhookMessage; attempt: number };
type ClaimedDelivery = ClaimedMessage & { rowId: string; endpoint: EndpointTarget };

/**
 * Claims up to `limit` due messages for this process. One statement with SKIP LOCKED: two processes sweeping at once
 * claim different messages, and a claimed message is not due again until its lease ends. The claim takes the next
 * attempt number, so no attempt number is ever sent twice.
 */
export async function claimDueMessages(db: Db, limit = 10): Promise<ClaimedMessage[]> {
  return (await claimDueDeliveries(db, limit)).map(({ message, attempt }) => ({ message, attempt }));
}

/** claimDueMessages, with each message's endpoint (URL and secret) for the attempt. */
async function claimDueDeliveries(db: Db, limit: number): Promise<ClaimedDelivery[]> {
  const leaseSeconds = runtime().settings.webhooks.claimLeaseSeconds;
  const rows = await queryRows<{
    rowId: string;
    tenantId: string;
    endpointId: string;
    messageId: string;
    type: WebhookEventType;
    occurredAt: Date | string;
    data: Record<string, unknown>;
    attempts: number;
    url: string;
    secret: string;
  }>(
    db,
    sql`WITH due AS (
          SELECT w.id FROM webhook_messages w JOIN webhook_endpoints e ON e.id = w.endpoint_id
           WHERE w.status = 'PENDING' AND w.next_attempt_at <= now() AND w.attempts < ${WEBHOOK_MAX_ATTEMPTS} AND e.enabled
           ORDER BY w.next_attempt_at
           LIMIT ${limit}
           FOR UPDATE OF w SKIP LOCKED)
        UPDATE webhook_messages m
           SET attempts = m.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
          FROM due, webhook_endpoints e
         WHERE m.id = due.id AND e.id = m.endpoint_id
        RETURNING m.id AS "rowId", m.tenant_id AS "tenantId", m.endpoint_id AS "endpointId", m.message_id AS "messageId",
          m.event_type AS "type", m.occurred_at AS "occurredAt", m.data, m.attempts, e.url, e.secret`,
  );
  return rows.map((r) => ({
    message: {
      tenantId: r.tenantId,
      endpointId: r.endpointId,
      messageId: r.messageId,
      type: r.type,
      occurredAt: new Date(r.occurredAt).toISOString(),
      data: r.data,
    },
    attempt: r.attempts,
    rowId: r.rowId,
    endpoint: { url: r.url, secret: r.secret, enabled: true },
  }));
}

/**
 * A message whose last attempt was claimed but never recorded (the process stopped during it) cannot be retried
 * any more: record that attempt as interrupted and give up, so the dashboard shows it.
 */
async function giveUpInterruptedLastAttempts(db: Db): Promise<void> {
  await db.execute(
    sql`WITH given_up AS (
          UPDATE webhook_messages SET status = 'GAVE_UP', next_attempt_at = NULL
           WHERE status = 'PENDING' AND attempts >= ${WEBHOOK_MAX_ATTEMPTS} AND next_attempt_at <= now()
          RETURNING tenant_id, endpoint_id, message_id, event_type, occurred_at, data, attempts
        )
        INSERT INTO webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload, attempt, error)
        SELECT tenant_id, endpoint_id, message_id, event_type,
               jsonb_build_object('type', event_type, 'timestamp', occurred_at, 'data', data), attempts,
               'interrupted: the process stopped before the answer was recorded'
          FROM given_up`,
  );
}

/** Attempts the claimed messages: at most `deliveryConcurrency` at once, `endpointConcurrency` per endpoint. */
async function deliverClaimed(
  db: Db,
  claimed: ClaimedDelivery[],
  options: AttemptOptions,
  { deliveryConcurrency, endpointConcurrency }: { deliveryConcurrency: number; endpointConcurrency: number },
): Promise<void> {
  const byEndpoint = new Map<string, ClaimedDelivery[]>();
  for (const c of claimed) byEndpoint.set(c.message.endpointId, [...(byEndpoint.get(c.message.endpointId) ?? []), c]);
  const buffer: AttemptRecord[] = [];
  let recording: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = buffer.splice(0);
    if (!batch.length) return recording;
    // the claims' leases run out for a batch that could not be recorded, and a later pass tries those again
    recording = recording.then(() =>
      recordAttempts(db, batch).catch((error: unknown) => log.error({ err: String(error), messages: batch.length }, "recording webhook attempts failed")),
    );
    return recording;
  };
  let slots = deliveryConcurrency;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    while (slots <= 0) await new Promise<void>((resolve) => waiting.push(resolve));
    slots--;
  };
  const release = () => {
    slots++;
    waiting.shift()?.();
  };
  let crash: ProcessCrash | null = null;
  await Promise.all(
    [...byEndpoint.values()].map((messages) =>
      pooled(messages, endpointConcurrency, async ({ rowId, message, attempt, endpoint }) => {
        if (crash) return;
        await acquire();
        try {
          const record = await sendAttempt(endpoint, rowId, message, attempt, options);
          await injectFault({ point: "webhook-answered", messageId: message.messageId, endpointId: message.endpointId });
          buffer.push(record);
          if (buffer.length >= RECORD_EVERY) void flush();
        } catch (error) {
          if (error instanceof ProcessCrash) crash = error;
          else log.error({ err: String(error), messageId: message.messageId }, "webhook attempt failed");
        } finally {
          release();
        }
      }),
    ),
  );
  if (crash) throw crash; // a simulated kill: what was answered but not yet recorded is sent again after the lease
  await flush();
}

/** Claim-deliver-record loops run side by side, so one's database work overlaps the other's HTTP requests. */
const LANES = 2;

/** One pass: attempts every due message once (in batches), returns how many attempts were made. */
export async function sweepWebhookMessages(db: Db, options: AttemptOptions = {}): Promise<number> {
  await giveUpInterruptedLastAttempts(db);
  const { deliveryConcurrency, endpointConcurrency } = runtime().settings.webhooks;
  // the limits hold for the pass: each lane gets its share
  const limits = { deliveryConcurrency: Math.max(1, Math.ceil(deliveryConcurrency / LANES)), endpointConcurrency: Math.max(1, Math.ceil(endpointConcurrency / LANES)) };
  const batch = Math.max(10, limits.deliveryConcurrency * 4);
  let attempted = 0;
  let crash: unknown = null;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (!crash) {
        const claimed = await claimDueDeliveries(db, batch);
        if (!claimed.length) return;
        try {
          await deliverClaimed(db, claimed, options, limits);
        } catch (error) {
          crash = error; // a simulated kill: the other lane stops after its batch too
          return;
        }
        attempted += claimed.length;
      }
    }),
  );
  if (crash) throw crash;
  return attempted;
}

/** When the next pending message is due (a claimed one: when its lease ends), or null when none is pending. */
export async function nextWebhookDueAt(db: Db): Promise<Date | null> {
  const [row] = await queryRows<{ at: Date | string | null }>(
    db,
    sql`SELECT w.next_attempt_at AS at FROM webhook_messages w JOIN webhook_endpoints e ON e.id = w.endpoint_id
         WHERE w.status = 'PENDING' AND e.enabled ORDER BY w.next_attempt_at LIMIT 1`,
  );
  return row?.at ? new Date(row.at) : null;
}
