import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

// The transactional outbox: every fact that leaves the system (run milestones, invoice.posted) is one row, written in
// the same transaction as the change that causes it. `pending` lists the consumers that have not handled it yet
// (outgoing webhooks, run e-mails, the invoice e-mail job); a consumer removes itself in the transaction that records
// its effect, so a crash at any point loses nothing and repeats nothing. No foreign keys: rows are written set-based by
// the posting chunks, and tenant deletion removes them (0007's function, extended in 0013).
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text("tenant_id").notNull(),
    /** billing_run.drafts_ready | billing_run.posted | billing_run.failed | invoice.posted */
    type: text("type").notNull(),
    billingRunId: uuid("billing_run_id").notNull(),
    /** what the fact is about: the invoice (invoice.*) or the job execution that reached the milestone (billing_run.*) */
    sourceId: uuid("source_id").notNull(),
    /** the payload when it is a snapshot (run milestones); invoice events are built from the immutable posted invoice */
    data: jsonb("data"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    pending: text("pending").array().notNull(),
  },
  // No unique index here: each consumer's effect is unique where it lands (webhook_messages by endpoint and a message
  // id derived from (type, source); e-mails by idempotency key; one running job per run and kind), so a fact written
  // twice is still acted on once. A unique (source, type) index cost ~40 % of the rows' insert time in posting.
  (t) => [index("outbox_events_pending_idx").on(t.id).where(sql`pending <> '{}'`)],
);
