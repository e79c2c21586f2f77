import { and, count, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { billingRuns, emailOutbox } from "@/db/schema";
import { notFound } from "@/server/errors";

export const listOutboxInput = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});
export const outboxMessageInput = z.object({ id: z.uuid("must be a UUID") });

/** The tenant's e-mails, newest first: outbox-only (no Resend key), sent, or failed with the provider's error. */
export async function listOutbox(db: Queryable, tenantId: string, rawInput: z.input<typeof listOutboxInput>) {
  const input = listOutboxInput.parse(rawInput);
  const where = eq(emailOutbox.tenantId, tenantId);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: emailOutbox.id,
        to: emailOutbox.to,
        subject: emailOutbox.subject,
        status: emailOutbox.status,
        error: emailOutbox.error,
        attachments: emailOutbox.attachments,
        createdAt: emailOutbox.createdAt,
        sentAt: emailOutbox.sentAt,
        billingRunId: emailOutbox.billingRunId,
        billingRunNumber: billingRuns.number,
      })
      .from(emailOutbox)
      .leftJoin(billingRuns, and(eq(billingRuns.id, emailOutbox.billingRunId), eq(billingRuns.tenantId, tenantId)))
      .where(where)
      .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db.select({ total: count() }).from(emailOutbox).where(where),
  ]);
  return { rows, total, page: input.page, pageSize: input.pageSize };
}

/** One e-mail with its HTML, for the dashboard's preview. */
export async function getOutboxMessage(db: Queryable, tenantId: string, rawInput: z.input<typeof outboxMessageInput>) {
  const { id } = outboxMessageInput.parse(rawInput);
  const [row] = await db
    .select({ id: emailOutbox.id, subject: emailOutbox.subject, to: emailOutbox.to, html: emailOutbox.html, text: emailOutbox.text })
    .from(emailOutbox)
    .where(and(eq(emailOutbox.id, id), eq(emailOutbox.tenantId, tenantId)));
  if (!row) throw notFound("E-mail");
  return row;
}
