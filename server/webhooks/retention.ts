import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { envInteger } from "@/lib/env-settings";
import { log } from "@/server/log";
import { runtime } from "@/server/runtime";

// Outgoing webhooks keep a row per message and one per attempt (a posted run of 100,000 invoices stores 100,000
// invoice.posted messages per endpoint). Finished messages and attempts older than the retention are deleted;
// pending ones are kept whatever their age.

const DEFAULT_RETENTION_DAYS = 30;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * WEBHOOK_RETENTION_DAYS (whole days ≥ 1), default 30, read from an environment (server/env.ts validates the process's
 * once at start: a wrong value stops it, since a silent default could delete history someone meant to keep longer).
 */
export function webhookRetentionDays(env: Record<string, string | undefined>): number {
  return envInteger("WEBHOOK_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, 1, env);
}

export type PruneResult = { messages: number; deliveries: number };

/** Deletes finished messages and delivery attempts older than `days`, endpoint by endpoint (each by its index). */
export async function pruneWebhookHistory(db: Db, days = runtime().settings.webhooks.retentionDays): Promise<PruneResult> {
  const endpoints = await queryRows<{ id: string }>(db, sql`SELECT id::text FROM webhook_endpoints`);
  const result: PruneResult = { messages: 0, deliveries: 0 };
  for (const { id } of endpoints) {
    const [row] = await queryRows<PruneResult>(
      db,
      sql`WITH messages AS (
            DELETE FROM webhook_messages WHERE endpoint_id = ${id}::uuid AND status <> 'PENDING'
              AND created_at < now() - make_interval(days => ${days}::int)
            RETURNING 1),
          deliveries AS (
            DELETE FROM webhook_deliveries WHERE endpoint_id = ${id}::uuid AND at < now() - make_interval(days => ${days}::int)
            RETURNING 1)
          SELECT (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM deliveries)::int AS deliveries`,
    );
    result.messages += row.messages;
    result.deliveries += row.deliveries;
  }
  return result;
}

const holder = globalThis as unknown as { billrunWebhookPrunedAt?: number };

/** Prunes (webhook history, handled outbox rows) at most once an hour per process, from the outbox sweep; a failure is logged (never thrown) and tried again an hour later. */
export async function pruneWebhookHistorySometimes(db: Db): Promise<void> {
  const now = Date.now();
  if (holder.billrunWebhookPrunedAt !== undefined && now - holder.billrunWebhookPrunedAt < PRUNE_EVERY_MS) return;
  holder.billrunWebhookPrunedAt = now;
  await pruneWebhookHistory(db).catch((error: unknown) => log.error({ err: String(error) }, "pruning old webhook messages failed"));
  await pruneOutbox(db).catch((error: unknown) => log.error({ err: String(error) }, "pruning handled outbox rows failed"));
}

/** Deletes outbox rows every consumer has handled, older than `days` (pending ones are kept whatever their age). */
export async function pruneOutbox(db: Db, days = runtime().settings.webhooks.retentionDays): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM outbox_events WHERE pending = '{}' AND occurred_at < now() - make_interval(days => ${days}::int) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  );
  return row.n;
}
