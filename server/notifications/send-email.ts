import { render } from "@react-email/render";
import { runtime } from "@/server/runtime";
import { and, eq, inArray } from "drizzle-orm";
import type { ReactElement } from "react";
import { Resend } from "resend";
import type { Queryable } from "@/db/client";
import { emailOutbox } from "@/db/schema/documents";

/** `documentId`: the stored document attached (kept in the outbox row, which holds no file content). */
export type EmailAttachment = { fileName: string; content: Buffer; contentType: string; documentId?: string };

export type EmailMessage = {
  /** at most one e-mail per (tenant, key), ever: a retried job never sends twice */
  idempotencyKey: string;
  to: string[];
  subject: string;
  react?: ReactElement;
  html?: string;
  text?: string;
  attachments?: EmailAttachment[];
  billingRunId?: string;
  from?: string;
  /** where the recipient's answer goes, e.g. the seller's own address for invoice e-mails */
  replyTo?: string;
};

export type SendEmailResult =
  | { outcome: "SENT"; id: string; providerMessageId: string }
  | { outcome: "OUTBOX"; id: string }
  /** the key was already used by an e-mail that was sent or put in the outbox: nothing done */
  | { outcome: "ALREADY_DONE"; id: string; status: "SENT" | "OUTBOX" };

export class EmailSendError extends Error {
  constructor(
    message: string,
    readonly outboxId: string,
    readonly providerError?: unknown,
  ) {
    super(message);
    this.name = "EmailSendError";
  }
}

/** The message itself is invalid (no recipient, a malformed address…): nothing was recorded or sent. */
export class InvalidEmailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidEmailError";
  }
}

const DEFAULT_FROM = "Billrun <billing@billrun.local>";

/**
 * Records the e-mail in email_outbox first (idempotent on tenant + key), then sends it through Resend when
 * RESEND_API_KEY is set; without a key the row stays in the outbox (status OUTBOX) for the dashboard.
 * A provider error marks the row FAILED and is thrown (the SDK returns `{ error }` instead of throwing).
 * A FAILED or PENDING row (crash between insert and send) is sent again; Resend's idempotency key, sent
 * along, guards against a duplicate if the earlier attempt did reach Resend.
 */
export async function sendEmail(db: Queryable, tenantId: string, message: EmailMessage): Promise<SendEmailResult> {
  validate(message);
  const html = message.html ?? (await render(message.react!));
  const text = message.text ?? (message.react ? await render(message.react, { plainText: true }) : undefined);
  const attachmentsMeta = (message.attachments ?? []).map((a) => ({
    fileName: a.fileName,
    contentType: a.contentType,
    ...(a.documentId ? { documentId: a.documentId } : {}),
  }));

  const [inserted] = await db
    .insert(emailOutbox)
    .values({
      tenantId,
      billingRunId: message.billingRunId ?? null,
      idempotencyKey: message.idempotencyKey,
      to: message.to,
      subject: message.subject,
      html,
      text: text ?? null,
      attachments: attachmentsMeta,
      status: "PENDING",
    })
    .onConflictDoNothing({ target: [emailOutbox.tenantId, emailOutbox.idempotencyKey] })
    .returning({ id: emailOutbox.id });

  let id: string;
  if (inserted) {
    id = inserted.id;
  } else {
    const [existing] = await db
      .select({ id: emailOutbox.id, status: emailOutbox.status })
      .from(emailOutbox)
      .where(and(eq(emailOutbox.tenantId, tenantId), eq(emailOutbox.idempotencyKey, message.idempotencyKey)));
    if (!existing) throw new Error(`email_outbox row for key ${message.idempotencyKey} vanished`);
    if (existing.status === "SENT" || existing.status === "OUTBOX") return { outcome: "ALREADY_DONE", id: existing.id, status: existing.status };
    id = existing.id;
  }

  const { resendApiKey: apiKey, resendBaseUrl, from } = runtime().settings.email;
  if (!apiKey) {
    await db
      .update(emailOutbox)
      .set({ status: "OUTBOX", error: null })
      .where(and(eq(emailOutbox.id, id), eq(emailOutbox.tenantId, tenantId), inArray(emailOutbox.status, ["PENDING", "FAILED"])));
    return { outcome: "OUTBOX", id };
  }

  const markFailed = async (error: string) => {
    await db
      .update(emailOutbox)
      .set({ status: "FAILED", error })
      .where(and(eq(emailOutbox.id, id), eq(emailOutbox.tenantId, tenantId)));
  };

  let response: Awaited<ReturnType<Resend["emails"]["send"]>>;
  try {
    // RESEND_BASE_URL: tests point the SDK at a local recording server
    const resend = new Resend(apiKey, resendBaseUrl ? { baseUrl: resendBaseUrl } : undefined);
    response = await resend.emails.send(
      {
        from: message.from ?? from ?? DEFAULT_FROM,
        to: message.to,
        subject: message.subject,
        html,
        ...(text ? { text } : {}),
        ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        attachments: (message.attachments ?? []).map((a) => ({ filename: a.fileName, content: a.content, contentType: a.contentType })),
      },
      // one Resend account serves every tenant: the tenant id keeps two tenants' keys apart
      { idempotencyKey: resendIdempotencyKey(tenantId, message.idempotencyKey) },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await markFailed(reason);
    throw new EmailSendError(`sending e-mail "${message.subject}" failed: ${reason}`, id, error);
  }

  if (response.error || !response.data) {
    const e = response.error;
    const reason = e ? `${e.name}: ${e.message}` : "Resend returned no message id";
    await markFailed(reason);
    throw new EmailSendError(`Resend refused e-mail "${message.subject}": ${reason}`, id, e);
  }

  await db
    .update(emailOutbox)
    .set({ status: "SENT", providerMessageId: response.data.id, error: null, sentAt: new Date() })
    .where(and(eq(emailOutbox.id, id), eq(emailOutbox.tenantId, tenantId)));
  return { outcome: "SENT", id, providerMessageId: response.data.id };
}

export function resendIdempotencyKey(tenantId: string, key: string): string {
  // Resend accepts at most 256 characters
  return `${tenantId}:${key}`.slice(0, 256);
}

/** A plain address (no display name), e.g. "billing@example.com". */
export const isEmailAddress = (address: string) => /^[^\s@<>]+@[^\s@<>]+$/.test(address);

function validate(m: EmailMessage) {
  if (!m.idempotencyKey.trim()) throw new InvalidEmailError("an e-mail needs an idempotency key");
  if (m.to.length === 0) throw new InvalidEmailError("an e-mail needs at least one recipient");
  const bad = m.to.filter((a) => !isEmailAddress(a));
  if (bad.length > 0) throw new InvalidEmailError(`invalid recipient address: ${bad.join(", ")}`);
  if (!m.subject.trim()) throw new InvalidEmailError("an e-mail needs a subject");
  if (!m.react && !m.html) throw new InvalidEmailError("an e-mail needs a React body or HTML");
  if (m.replyTo !== undefined && !isEmailAddress(m.replyTo)) throw new InvalidEmailError(`invalid reply-to address: ${m.replyTo}`);
}
