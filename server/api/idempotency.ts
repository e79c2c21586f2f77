import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { HttpProblem } from "./problem";

/** A stored answer: status, JSON body and the headers that belong to it (e.g. Location of a created run). */
export type StoredAnswer = { status: number; body: unknown; headers?: Record<string, string> };

/** A reservation whose request never finished (the process died) may be taken over after this long. */
const ABANDONED_AFTER_SECONDS = 60;

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Identifies a request for Idempotency-Key comparison: method, path and the exact body bytes. */
export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method.toUpperCase()} ${path}\n`).update(body).digest("hex");
}

export function validateIdempotencyKey(key: string): string {
  if (!KEY_PATTERN.test(key)) {
    throw new HttpProblem("BAD_REQUEST", "Idempotency-Key must be 1–255 visible ASCII characters", [
      { field: "Idempotency-Key", message: "must be 1–255 visible ASCII characters (a UUID is a good choice)" },
    ]);
  }
  return key;
}

/**
 * Runs `execute` at most once per (tenant, key): the first request reserves the key, runs and stores its
 * answer; later requests with the same key and the same fingerprint get the stored answer, with another
 * fingerprint a 422. Only successful (2xx) answers are stored — an error releases the key so the client can
 * fix the cause and retry with the same key.
 */
export async function withIdempotencyKey(
  db: Queryable,
  tenantId: string,
  key: string,
  fingerprint: string,
  execute: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  const reserved = await queryRows<{ key: string }>(
    db,
    sql`INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES (${tenantId}, ${key}, ${fingerprint})
        ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key`,
  );
  if (!reserved.length) {
    const [existing] = await queryRows<{ requestHash: string; responseStatus: number | null; responseBody: unknown; responseHeaders: Record<string, string> | null }>(
      db,
      sql`SELECT request_hash AS "requestHash", response_status AS "responseStatus", response_body AS "responseBody", response_headers AS "responseHeaders"
          FROM idempotency_keys WHERE tenant_id = ${tenantId} AND key = ${key}`,
    );
    if (!existing) {
      // Released between our insert and select (the first request failed): try once more from the start.
      return withIdempotencyKey(db, tenantId, key, fingerprint, execute);
    }
    if (existing.requestHash !== fingerprint) {
      throw new HttpProblem("UNPROCESSABLE_CONTENT", "This Idempotency-Key was already used for a different request", [
        { field: "Idempotency-Key", message: "already used with another method, path or body; use a new key for a new request" },
      ]);
    }
    if (existing.responseStatus !== null) {
      return { status: existing.responseStatus, body: existing.responseBody, headers: existing.responseHeaders ?? {}, replayed: true };
    }
    const takenOver = await queryRows<{ key: string }>(
      db,
      sql`UPDATE idempotency_keys SET created_at = now()
          WHERE tenant_id = ${tenantId} AND key = ${key} AND response_status IS NULL
            AND created_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})
          RETURNING key`,
    );
    if (!takenOver.length) {
      throw new HttpProblem("CONFLICT", "A request with this Idempotency-Key is still being processed; retry later", [], { "Retry-After": "1" });
    }
  }

  let answer: StoredAnswer;
  try {
    answer = await execute();
  } catch (error) {
    await db.execute(sql`DELETE FROM idempotency_keys WHERE tenant_id = ${tenantId} AND key = ${key} AND response_status IS NULL`);
    throw error;
  }
  if (answer.status >= 200 && answer.status < 300) {
    await db.execute(
      sql`UPDATE idempotency_keys SET response_status = ${answer.status}, response_body = ${JSON.stringify(answer.body ?? null)}::jsonb,
            response_headers = ${JSON.stringify(answer.headers ?? {})}::jsonb
          WHERE tenant_id = ${tenantId} AND key = ${key}`,
    );
  } else {
    await db.execute(sql`DELETE FROM idempotency_keys WHERE tenant_id = ${tenantId} AND key = ${key} AND response_status IS NULL`);
  }
  return { ...answer, replayed: false };
}
