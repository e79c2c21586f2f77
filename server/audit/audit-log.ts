import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { listAuditInput, type ListAuditInput } from "@/lib/review-inputs";
import type { Actor } from "@/server/billing/runs-core";

// The audit log: who (user / API key / system) did what to which runs, invoices, settings, keys and holds, when,
// with the state before and after. Append-only (a trigger refuses UPDATE / DELETE / TRUNCATE, migration 0019).
// Written in the transaction of the change it records, so a change without its entry cannot happen.

export type AuditEntry = {
  tenantId: string;
  actor: Actor;
  action: string;
  entityType: "run" | "invoice" | "settings" | "api_key" | "hold" | "schedule" | "webhook_endpoint" | "webhook_secret" | "member";
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  data?: unknown;
};

const actorId = (actor: Actor) => (actor.type === "USER" ? actor.userId : actor.type === "API_KEY" ? actor.apiKeyId : null);
const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

export async function recordAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.execute(sql`
    INSERT INTO audit_log (tenant_id, actor_type, actor_id, action, entity_type, entity_id, before, after, data)
    VALUES (${e.tenantId}, ${e.actor.type}, ${actorId(e.actor)}, ${e.action}, ${e.entityType}, ${e.entityId ?? null},
      ${json(e.before)}::jsonb, ${json(e.after)}::jsonb, ${json(e.data)}::jsonb)`);
}

/** Several entries of one statement (bulk invoice actions), each with its own entity. */
export async function recordAuditMany(db: Queryable, common: Omit<AuditEntry, "entityId" | "before" | "after">, rows: { entityId: string; before?: unknown; after?: unknown }[]) {
  if (!rows.length) return;
  await db.execute(sql`
    INSERT INTO audit_log (tenant_id, actor_type, actor_id, action, entity_type, entity_id, before, after, data)
    SELECT ${common.tenantId}, ${common.actor.type}, ${actorId(common.actor)}, ${common.action}, ${common.entityType}, r.entity_id,
      r.before, r.after, ${json(common.data)}::jsonb
    FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ entity_id: r.entityId, before: r.before ?? null, after: r.after ?? null })))}::jsonb)
      AS r(entity_id text, before jsonb, after jsonb)`);
}

export type AuditRow = {
  id: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  data: unknown;
};

/** Newest first, keyset-paginated by id (`beforeId`), filtered by entity, action, actor and day range. */
export async function listAudit(db: Queryable, tenantId: string, rawInput: Partial<ListAuditInput> = {}) {
  const input = listAuditInput.parse(rawInput);
  const where: SQL[] = [sql`l.tenant_id = ${tenantId}`];
  if (input.entityType) where.push(sql`l.entity_type = ${input.entityType}`);
  if (input.entityId) where.push(sql`l.entity_id = ${input.entityId}`);
  if (input.action) where.push(sql`l.action LIKE ${input.action.replace(/[\\%_]/g, (c) => `\\${c}`) + "%"}`);
  if (input.actorId) where.push(sql`l.actor_id = ${input.actorId}`);
  if (input.from) where.push(sql`l.at >= ${input.from}::date`);
  if (input.to) where.push(sql`l.at < ${input.to}::date + 1`);
  if (input.beforeId) where.push(sql`l.id < ${input.beforeId}`);
  const rows = await queryRows<AuditRow>(
    db,
    sql`SELECT l.id::int AS id, to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, l.actor_type AS "actorType",
          l.actor_id AS "actorId", coalesce(u.name, k.name) AS "actorName", l.action, l.entity_type AS "entityType",
          l.entity_id AS "entityId", l.before, l.after, l.data
        FROM audit_log l
        LEFT JOIN "user" u ON l.actor_type = 'USER' AND u.id = l.actor_id
        LEFT JOIN api_keys k ON l.actor_type = 'API_KEY' AND k.id::text = l.actor_id AND k.tenant_id = ${tenantId}
        WHERE ${sql.join(where, sql` AND `)}
        ORDER BY l.id DESC LIMIT ${input.pageSize + 1}`,
  );
  const more = rows.length > input.pageSize;
  const page = more ? rows.slice(0, input.pageSize) : rows;
  return { rows: page, nextBeforeId: more ? page[page.length - 1].id : null };
}
