import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Queryable } from "@/db/client";
import { recordAudit } from "@/server/audit/audit-log";
import type { Actor } from "@/server/billing/runs-core";
import { notFound } from "@/server/errors";

// Standard Webhooks secrets (`whsec_` + base64 of 32 random bytes) for incoming webhooks. They are stored in clear
// because verifying an HMAC needs the key itself; only a prefix is ever listed.

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64")}`;
const SHOWN = "whsec_".length + 6;

export const rotateWebhookSecretInput = z.object({
  /** how long the previous secrets stay valid, so senders can switch without a gap */
  graceHours: z.number().int().min(0).max(24 * 30).default(24),
});
export const webhookSecretIdInput = z.object({ id: z.uuid("must be a UUID") });

/** Adds a new secret; secrets valid until now expire after the grace period (two are valid meanwhile). */
export async function rotateWebhookSecret(db: Queryable, tenantId: string, rawInput: z.input<typeof rotateWebhookSecretInput> = {}, actor: Actor = { type: "SYSTEM" }) {
  const { graceHours } = rotateWebhookSecretInput.parse(rawInput);
  const secret = newWebhookSecret();
  const row = await db.transaction(async (tx) => {
    const [created] = await queryRows<{ id: string; createdAt: Date | string }>(
      tx,
      sql`WITH expire AS (
            UPDATE webhook_secrets SET expires_at = now() + make_interval(hours => ${graceHours})
            WHERE tenant_id = ${tenantId} AND (expires_at IS NULL OR expires_at > now() + make_interval(hours => ${graceHours}))
          )
          INSERT INTO webhook_secrets (tenant_id, secret) VALUES (${tenantId}, ${secret}) RETURNING id, created_at AS "createdAt"`,
    );
    await recordAudit(tx, { tenantId, actor, action: "webhook_secret.rotate", entityType: "webhook_secret", entityId: created.id, after: { prefix: secret.slice(0, SHOWN), previousValidForHours: graceHours } });
    return created;
  });
  return { id: row.id, createdAt: new Date(row.createdAt), secret, prefix: secret.slice(0, SHOWN) };
}

export async function listWebhookSecrets(db: Queryable, tenantId: string) {
  const rows = await queryRows<{ id: string; prefix: string; createdAt: Date; expiresAt: Date | null; valid: boolean }>(
    db,
    sql`SELECT id, left(secret, ${SHOWN}) AS prefix, created_at AS "createdAt", expires_at AS "expiresAt",
          (expires_at IS NULL OR expires_at > now()) AS valid
        FROM webhook_secrets WHERE tenant_id = ${tenantId} ORDER BY created_at DESC`,
  );
  // raw queries hand back timestamps as Date or string depending on the driver
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt), expiresAt: r.expiresAt ? new Date(r.expiresAt) : null }));
}

/** Ends a secret's validity at once (e.g. it leaked). */
export async function revokeWebhookSecret(db: Queryable, tenantId: string, rawInput: z.input<typeof webhookSecretIdInput>, actor: Actor = { type: "SYSTEM" }) {
  const { id } = webhookSecretIdInput.parse(rawInput);
  const rows = await db.transaction(async (tx) => {
    const revoked = await queryRows<{ id: string }>(
      tx,
      sql`UPDATE webhook_secrets SET expires_at = LEAST(coalesce(expires_at, now()), now())
          WHERE id = ${id}::uuid AND tenant_id = ${tenantId} RETURNING id`,
    );
    if (revoked.length) await recordAudit(tx, { tenantId, actor, action: "webhook_secret.revoke", entityType: "webhook_secret", entityId: id });
    return revoked;
  });
  if (!rows.length) throw notFound("Webhook secret");
  return { id };
}

export async function validWebhookSecrets(db: Queryable, tenantId: string): Promise<string[]> {
  const rows = await queryRows<{ secret: string }>(
    db,
    sql`SELECT secret FROM webhook_secrets WHERE tenant_id = ${tenantId} AND (expires_at IS NULL OR expires_at > now())
        ORDER BY created_at DESC`,
  );
  return rows.map((r) => r.secret);
}
