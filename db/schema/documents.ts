import { customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organization } from "./auth";
import { billingRuns } from "./billing-runs";
import { documentKind, emailStatus } from "./enums";
import { invoices } from "./invoices";

export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

// Stored documents of posted invoices: written once, never changed (trigger in migrations).
export const documents = pgTable(
  "documents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    invoiceId: uuid("invoice_id")
      .notNull()
      .references(() => invoices.id),
    kind: documentKind("kind").notNull(),
    fileName: text("file_name").notNull(),
    contentType: text("content_type").notNull(),
    content: bytea("content").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    sha256: text("sha256").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("documents_invoice_kind_uq").on(t.invoiceId, t.kind)],
);

export type OutboxAttachment = { fileName: string; contentType: string; documentId?: string };

export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    billingRunId: uuid("billing_run_id").references(() => billingRuns.id, { onDelete: "cascade" }),
    // at most one e-mail per key: a retried job never sends twice
    idempotencyKey: text("idempotency_key").notNull(),
    to: text("to").array().notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text"),
    attachments: jsonb("attachments").$type<OutboxAttachment[]>().notNull().default([]),
    status: emailStatus("status").notNull().default("PENDING"),
    providerMessageId: text("provider_message_id"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("email_outbox_tenant_key_uq").on(t.tenantId, t.idempotencyKey),
    index("email_outbox_tenant_created_idx").on(t.tenantId, t.createdAt),
  ],
);
