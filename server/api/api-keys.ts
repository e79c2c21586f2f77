import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { apiKeys } from "@/db/schema";
import type { MemberRole } from "@/db/schema/enums";
import { recordAudit } from "@/server/audit/audit-log";
import type { Actor } from "@/server/billing/runs-core";
import { DomainError, notFound } from "@/server/errors";

export const API_KEY_PREFIX = "br_live_";
/** Characters of the key shown in lists (the fixed prefix plus a few random ones, enough to tell keys apart). */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 6;

export const apiKeyRoles = ["admin", "operator", "viewer"] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "give the key a name").max(100),
  role: z.enum(apiKeyRoles).default("operator"),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;
export const apiKeyIdInput = z.object({ id: z.uuid("must be a UUID") });

// The key has 256 bits of entropy, so a plain SHA-256 is enough (no slow hash needed against guessing).
export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** Creates a key for the tenant; the clear key is returned once and never stored. */
export async function createApiKey(db: Queryable, tenantId: string, rawInput: CreateApiKeyInput, createdByUserId: string | null) {
  const input = createApiKeyInput.parse(rawInput);
  const key = API_KEY_PREFIX + randomBytes(32).toString("base64url");
  const actor: Actor = createdByUserId ? { type: "USER", userId: createdByUserId } : { type: "SYSTEM" };
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiKeys)
      .values({ tenantId, name: input.name, role: input.role, prefix: key.slice(0, SHOWN_LENGTH), hash: hashApiKey(key), createdByUserId })
      .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, role: apiKeys.role, createdAt: apiKeys.createdAt });
    await recordAudit(tx, { tenantId, actor, action: "api_key.create", entityType: "api_key", entityId: created.id, after: { name: created.name, role: created.role, prefix: created.prefix } });
    return created;
  });
  return { ...row, key };
}

export async function listApiKeys(db: Queryable, tenantId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      role: apiKeys.role,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, tenantId))
    .orderBy(desc(apiKeys.createdAt));
}

/** Revokes a key at once (idempotent: revoking a revoked key keeps its first revocation time). */
export async function revokeApiKey(db: Queryable, tenantId: string, rawInput: z.input<typeof apiKeyIdInput>, actor: Actor = { type: "SYSTEM" }) {
  const { id } = apiKeyIdInput.parse(rawInput);
  const row = await db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId)))
      .returning({ id: apiKeys.id, revokedAt: apiKeys.revokedAt });
    if (revoked) await recordAudit(tx, { tenantId, actor, action: "api_key.revoke", entityType: "api_key", entityId: id, after: { revokedAt: revoked.revokedAt } });
    return revoked;
  });
  if (!row) throw notFound("API key");
  return row;
}

export type ApiPrincipal = { tenantId: string; role: MemberRole; apiKeyId: string };

const unauthorized = (message: string) => new DomainError("UNAUTHORIZED", message);

/** Resolves `Authorization: Bearer br_live_…` to its tenant and role; unknown or revoked keys get 401. */
export async function authenticateApiKey(db: Queryable, authorization: string | null): Promise<ApiPrincipal> {
  if (!authorization) throw unauthorized("Missing Authorization header; send `Authorization: Bearer <API key>`");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw unauthorized("The Authorization header must be `Bearer <API key>`");
  const key = match[1];
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) throw unauthorized("Unknown or revoked API key");
  const [row] = await db
    .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, role: apiKeys.role })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) throw unauthorized("Unknown or revoked API key");
  // At most one write per key and minute, so a busy integration does not turn every read into a write.
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, row.id), sql`(${apiKeys.lastUsedAt} IS NULL OR ${apiKeys.lastUsedAt} < now() - interval '1 minute')`));
  return { tenantId: row.tenantId, role: row.role as MemberRole, apiKeyId: row.id };
}
