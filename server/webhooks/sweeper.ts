import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { attemptDelivery, DELIVERY_TIMEOUT_MS, type AttemptOptions, type WebhookEventType, type WebhookMessage } from "./outgoing";
import { WEBHOOK_MAX_ATTEMPTS } from "./retry-schedule";

// Delivers outgoing webhooks without Inngest. All state is in webhook_messages, so nothing is lost with the process:
// a pass claims the due messages (pending, endpoint enabled, next_attempt_at reached), attempts each once, and
// attemptDelivery stores the next attempt time from the retry schedule. Each process runs one loop (started from
// instrumentation.ts) and a pass right after new messages are stored.

/** How long a claim holds a message; a process that died mid-attempt loses it after this, and the next pass retries. */
export const CLAIM_LEASE_SECONDS = Math.ceil(DELIVERY_TIMEOUT_MS / 1000) * 6;
const CLAIM_BATCH = 10;
const MAX_IDLE_MS = 60_000;

export type ClaimedMessage = { message: WebhookMessage; attempt: number };

/**
 * Claims up to `limit` due messages for this process. One statement with SKIP LOCKED: two processes sweeping at once
 * claim different messages, and a claimed message is not due again until its lease ends. The claim takes the next
 * attempt number, so no attempt number is ever sent twice.
 */
export async function claimDueMessages(db: Db, limit = CLAIM_BATCH): Promise<ClaimedMessage[]> {
  const rows = await queryRows<{
    tenantId: string;
    endpointId: string;
    messageId: string;
    type: WebhookEventType;
    occurredAt: Date | string;
    data: Record<string, unknown>;
    attempts: number;
  }>(
    db,
    sql`UPDATE webhook_messages m
           SET attempts = m.attempts + 1, next_attempt_at = now() + make_interval(secs => ${CLAIM_LEASE_SECONDS})
         WHERE m.id IN (
           SELECT w.id FROM webhook_messages w JOIN webhook_endpoints e ON e.id = w.endpoint_id
            WHERE w.status = 'PENDING' AND w.next_attempt_at <= now() AND w.attempts < ${WEBHOOK_MAX_ATTEMPTS} AND e.enabled
            ORDER BY w.next_attempt_at
            LIMIT ${limit}
            FOR UPDATE OF w SKIP LOCKED)
        RETURNING m.tenant_id AS "tenantId", m.endpoint_id AS "endpointId", m.message_id AS "messageId",
          m.event_type AS "type", m.occurred_at AS "occurredAt", m.data, m.attempts`,
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

/** One pass: attempts every due message once (in batches), returns how many attempts were made. */
export async function sweepWebhookMessages(db: Db, options: AttemptOptions = {}): Promise<number> {
  await giveUpInterruptedLastAttempts(db);
  let attempted = 0;
  for (;;) {
    const claimed = await claimDueMessages(db);
    if (!claimed.length) return attempted;
    await Promise.all(
      claimed.map(({ message, attempt }) =>
        attemptDelivery(db, message, attempt, options).catch((error: unknown) =>
          // the claim's lease runs out and a later pass tries again
          console.error(`[webhooks] attempt ${attempt} of ${message.messageId} to ${message.endpointId} failed:`, error),
        ),
      ),
    );
    attempted += claimed.length;
  }
}

/** When the next pending message is due (a claimed one: when its lease ends), or null when none is pending. */
async function nextDueAt(db: Db): Promise<Date | null> {
  const [row] = await queryRows<{ at: Date | string | null }>(
    db,
    sql`SELECT min(w.next_attempt_at) AS at FROM webhook_messages w JOIN webhook_endpoints e ON e.id = w.endpoint_id
         WHERE w.status = 'PENDING' AND e.enabled`,
  );
  return row?.at ? new Date(row.at) : null;
}

type SweeperState = {
  running: Promise<void> | null;
  again: boolean;
  loop: ReturnType<typeof setTimeout> | null;
  started: boolean;
  lastError: string | null;
};
const holder = globalThis as unknown as { billrunWebhookSweeper?: SweeperState };
const state: SweeperState = (holder.billrunWebhookSweeper ??= { running: null, again: false, loop: null, started: false, lastError: null });

/** Runs a pass now, or once more after the running one: passes of one process never overlap. */
export function requestWebhookSweep(db: Db): Promise<void> {
  if (state.running) {
    state.again = true;
    return state.running;
  }
  const pass = (async () => {
    do {
      state.again = false;
      await sweepWebhookMessages(db);
    } while (state.again);
  })()
    .catch((error: unknown) => console.error("[webhooks] sweep failed:", error))
    .finally(() => {
      state.running = null;
      if (state.again) void requestWebhookSweep(db);
    });
  state.running = pass;
  return pass;
}

/** Tests: resolves when no pass is running in this process. */
export async function webhookSweepIdle(): Promise<void> {
  while (state.running) await state.running;
}

/**
 * Starts this process's sweep loop (once): a pass at once — retries left by a previous process go out — then
 * again when the next message is due, at least every minute (messages stored by other processes).
 */
export function startWebhookSweeper(getDb: () => Promise<Db>): boolean {
  if (state.started) return false;
  state.started = true;
  const loop = async () => {
    let waitMs = MAX_IDLE_MS;
    try {
      const db = await getDb();
      await requestWebhookSweep(db);
      const next = await nextDueAt(db);
      if (next) waitMs = Math.min(MAX_IDLE_MS, Math.max(1_000, next.getTime() - Date.now()));
      state.lastError = null;
    } catch (error) {
      // Say it once, not every minute.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== state.lastError) console.error("[webhooks] sweeper:", error);
      state.lastError = message;
    }
    if (!state.started) return;
    state.loop = setTimeout(() => void loop(), waitMs);
    state.loop.unref?.();
  };
  void loop();
  return true;
}

export function stopWebhookSweeper(): void {
  state.started = false;
  if (state.loop) clearTimeout(state.loop);
  state.loop = null;
}

/** Called once per server process (instrumentation.ts): with Inngest configured, Inngest retries instead. */
export async function startWebhookSweeperUnlessInngest(): Promise<void> {
  const { inngestConfigured } = await import("@/inngest/client");
  if (inngestConfigured()) return;
  const { getDb } = await import("@/db");
  if (startWebhookSweeper(getDb)) console.info("[webhooks] no Inngest: this process delivers and retries outgoing webhooks");
}
