import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Queryable } from "@/db/client";
import { recordAudit } from "@/server/audit/audit-log";
import type { Actor } from "@/server/billing/runs-core";
import { notFound } from "@/server/errors";
import { WEBHOOK_EVENT_TYPES } from "./outgoing";
import { newWebhookSecret } from "./secrets";
import { runtime } from "@/server/runtime";
import { endpointUrlProblem } from "./target-policy";

// Tenant-configured endpoints for outgoing webhooks, and their delivery attempts.

const endpointUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL", abort: true })
  .max(2000, "must be at most 2,000 characters")
  // SSRF protection (target-policy.ts): https, no credentials, no private or loopback address — unless the server
  // allows private targets (local development). Delivery checks again, including the addresses a name resolves to.
  .superRefine((value, ctx) => {
    const problem = endpointUrlProblem(new URL(value), runtime().settings.webhooks.allowPrivateTargets);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(", ")}` }))
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((v) => new Set(v).size === v.length, "lists an event twice");

export const createEndpointInput = z.object({
  url: endpointUrl,
  /** empty = every event */
  events: events.default([]),
});
export const updateEndpointInput = z.object({
  id: z.uuid("must be a UUID"),
  url: endpointUrl.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});
export const endpointIdInput = z.object({ id: z.uuid("must be a UUID") });
export const listDeliveriesInput = z.object({
  endpointId: z.uuid("must be a UUID"),
  limit: z.number().int().min(1).max(200).default(50),
});

const toDate = <T extends Date | null>(v: T | string): T => (v === null ? v : (new Date(v) as T));

export async function listEndpoints(db: Queryable, tenantId: string) {
  const rows = await queryRows<{
    id: string;
    url: string;
    events: string[];
    enabled: boolean;
    disabledReason: string | null;
    createdAt: Date;
    secretPrefix: string;
    lastStatus: number | null;
    lastError: string | null;
    lastAt: Date | null;
    pendingCount: number;
    nextAttemptAt: Date | null;
    gaveUpCount: number;
  }>(
    db,
    sql`SELECT e.id, e.url, e.events, e.enabled, e.disabled_reason AS "disabledReason", e.created_at AS "createdAt",
          left(e.secret, 12) AS "secretPrefix", d.response_status AS "lastStatus", d.error AS "lastError", d.at AS "lastAt",
          m.pending AS "pendingCount", m.next_attempt_at AS "nextAttemptAt", m.gave_up AS "gaveUpCount"
        FROM webhook_endpoints e
        LEFT JOIN LATERAL (SELECT response_status, error, at FROM webhook_deliveries
                           WHERE endpoint_id = e.id ORDER BY at DESC LIMIT 1) d ON true
        CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE status = 'PENDING')::int AS pending,
                                   min(next_attempt_at) FILTER (WHERE status = 'PENDING') AS next_attempt_at,
                                   count(*) FILTER (WHERE status = 'GAVE_UP')::int AS gave_up
                              FROM webhook_messages WHERE endpoint_id = e.id) m
        WHERE e.tenant_id = ${tenantId} ORDER BY e.created_at`,
  );
  return rows.map((r) => ({ ...r, createdAt: toDate(r.createdAt), lastAt: toDate(r.lastAt), nextAttemptAt: toDate(r.nextAttemptAt) }));
}

/** Creates an endpoint with its own signing secret, returned once. */
export async function createEndpoint(db: Queryable, tenantId: string, rawInput: z.input<typeof createEndpointInput>, actor: Actor = { type: "SYSTEM" }) {
  const input = createEndpointInput.parse(rawInput);
  const secret = newWebhookSecret();
  const row = await db.transaction(async (tx) => {
    const [created] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO webhook_endpoints (tenant_id, url, secret, events)
          VALUES (${tenantId}, ${input.url}, ${secret}, ${`{${input.events.join(",")}}`}::text[]) RETURNING id`,
    );
    await recordAudit(tx, { tenantId, actor, action: "webhook_endpoint.create", entityType: "webhook_endpoint", entityId: created.id, after: { url: input.url, events: input.events } });
    return created;
  });
  return { id: row.id, url: input.url, events: input.events, secret };
}

/** Changes URL, events or enabled; enabling again clears the reason it was disabled. */
export async function updateEndpoint(db: Queryable, tenantId: string, rawInput: z.input<typeof updateEndpointInput>, actor: Actor = { type: "SYSTEM" }) {
  const input = updateEndpointInput.parse(rawInput);
  type Settings = { url: string; events: string[]; enabled: boolean };
  const rows = await db.transaction(async (tx) => {
    const changed = await queryRows<{ id: string; before: Settings; after: Settings }>(
      tx,
      sql`UPDATE webhook_endpoints e SET
            url = coalesce(${input.url ?? null}, e.url),
            events = coalesce(${input.events ? `{${input.events.join(",")}}` : null}::text[], e.events),
            enabled = coalesce(${input.enabled ?? null}::boolean, e.enabled),
            disabled_reason = CASE WHEN ${input.enabled ?? null}::boolean IS NULL THEN e.disabled_reason
                                   WHEN ${input.enabled ?? null}::boolean THEN NULL ELSE 'disabled by an administrator' END
          FROM (SELECT id, url, events, enabled FROM webhook_endpoints WHERE id = ${input.id}::uuid AND tenant_id = ${tenantId} FOR UPDATE) old
          WHERE e.id = old.id
          RETURNING e.id, jsonb_build_object('url', old.url, 'events', old.events, 'enabled', old.enabled) AS before,
            jsonb_build_object('url', e.url, 'events', e.events, 'enabled', e.enabled) AS after`,
    );
    if (changed[0]) await recordAudit(tx, { tenantId, actor, action: "webhook_endpoint.update", entityType: "webhook_endpoint", entityId: input.id, before: changed[0].before, after: changed[0].after });
    return changed;
  });
  if (!rows.length) throw notFound("Webhook endpoint");
  return { id: input.id };
}

export async function deleteEndpoint(db: Queryable, tenantId: string, rawInput: z.input<typeof endpointIdInput>, actor: Actor = { type: "SYSTEM" }) {
  const { id } = endpointIdInput.parse(rawInput);
  const rows = await db.transaction(async (tx) => {
    const deleted = await queryRows<{ id: string; url: string; events: string[] }>(
      tx,
      sql`DELETE FROM webhook_endpoints WHERE id = ${id}::uuid AND tenant_id = ${tenantId} RETURNING id, url, events`,
    );
    if (deleted[0]) await recordAudit(tx, { tenantId, actor, action: "webhook_endpoint.delete", entityType: "webhook_endpoint", entityId: id, before: { url: deleted[0].url, events: deleted[0].events } });
    return deleted;
  });
  if (!rows.length) throw notFound("Webhook endpoint");
  return { id };
}

export type WebhookMessageStatus = "PENDING" | "DELIVERED" | "GAVE_UP" | "GONE";

/**
 * The endpoint's latest attempts. The latest attempt of each message also carries where the message stands:
 * its next attempt time while it is pending, or that it gave up.
 */
export async function listDeliveries(db: Queryable, tenantId: string, rawInput: z.input<typeof listDeliveriesInput>) {
  const input = listDeliveriesInput.parse(rawInput);
  const [endpoint] = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM webhook_endpoints WHERE id = ${input.endpointId}::uuid AND tenant_id = ${tenantId}`,
  );
  if (!endpoint) throw notFound("Webhook endpoint");
  const rows = await queryRows<{
    id: string;
    messageId: string;
    eventType: string;
    attempt: number;
    responseStatus: number | null;
    error: string | null;
    at: Date;
    messageStatus: WebhookMessageStatus | null;
    nextAttemptAt: Date | null;
  }>(
    db,
    sql`SELECT d.id, d.message_id AS "messageId", d.event_type AS "eventType", d.attempt, d.response_status AS "responseStatus",
          d.error, d.at,
          CASE WHEN d.attempt = m.attempts THEN m.status END AS "messageStatus",
          CASE WHEN d.attempt = m.attempts AND m.status = 'PENDING' THEN m.next_attempt_at END AS "nextAttemptAt"
        FROM webhook_deliveries d
        LEFT JOIN webhook_messages m ON m.endpoint_id = d.endpoint_id AND m.message_id = d.message_id
        WHERE d.endpoint_id = ${input.endpointId}::uuid AND d.tenant_id = ${tenantId}
        ORDER BY d.at DESC, d.attempt DESC LIMIT ${input.limit}`,
  );
  return rows.map((r) => ({ ...r, at: toDate(r.at), nextAttemptAt: toDate(r.nextAttemptAt) }));
}
