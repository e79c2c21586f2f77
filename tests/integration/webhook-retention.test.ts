import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { pruneWebhookHistory, webhookRetentionDays } from "@/server/webhooks/retention";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { newTenant, one } from "./billing-support";

// Finished outgoing-webhook messages and delivery attempts are deleted after the retention; pending ones stay.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe("webhook history retention", () => {
  it("deletes finished messages and attempts older than the retention, keeps pending and recent ones", async () => {
    const t = await newTenant(database.db, { accounts: 1, items: 1 });
    const endpoint = await one<{ id: string }>(
      database.db,
      sql`INSERT INTO webhook_endpoints (tenant_id, url, secret, events)
          VALUES (${t.tenantId}, 'https://hooks.example.com/billrun', 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=', '{}') RETURNING id::text`,
    );
    const message = (id: string, status: string, ageDays: number) =>
      database.db.execute(sql`INSERT INTO webhook_messages (tenant_id, endpoint_id, message_id, event_type, occurred_at, data, status, created_at)
        VALUES (${t.tenantId}, ${endpoint.id}::uuid, ${id}, 'billing_run.posted', now(), '{}'::jsonb, ${status}::webhook_message_status,
          now() - make_interval(days => ${ageDays}::int))`);
    const attempt = (id: string, ageDays: number) =>
      database.db.execute(sql`INSERT INTO webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload, attempt, response_status, at)
        VALUES (${t.tenantId}, ${endpoint.id}::uuid, ${id}, 'billing_run.posted', '{}'::jsonb, 1, 200, now() - make_interval(days => ${ageDays}::int))`);
    await message("msg_old_delivered", "DELIVERED", 40);
    await message("msg_old_gave_up", "GAVE_UP", 31);
    await message("msg_old_pending", "PENDING", 40);
    await message("msg_recent", "DELIVERED", 1);
    await attempt("msg_old_delivered", 40);
    await attempt("msg_recent", 1);

    expect(await pruneWebhookHistory(database.db, 30)).toEqual({ messages: 2, deliveries: 1 });
    const left = await queryRows<{ message_id: string }>(
      database.db,
      sql`SELECT message_id FROM webhook_messages WHERE endpoint_id = ${endpoint.id}::uuid ORDER BY message_id`,
    );
    expect(left.map((m) => m.message_id)).toEqual(["msg_old_pending", "msg_recent"]);
    const attempts = await queryRows<{ message_id: string }>(
      database.db,
      sql`SELECT message_id FROM webhook_deliveries WHERE endpoint_id = ${endpoint.id}::uuid`,
    );
    expect(attempts.map((a) => a.message_id)).toEqual(["msg_recent"]);
    expect(await pruneWebhookHistory(database.db, 30)).toEqual({ messages: 0, deliveries: 0 });
  });

  it("reads WEBHOOK_RETENTION_DAYS (whole days, at least 1), default 30", () => {
    expect(webhookRetentionDays({})).toBe(30);
    expect(webhookRetentionDays({ WEBHOOK_RETENTION_DAYS: "90" })).toBe(90);
    expect(webhookRetentionDays({ WEBHOOK_RETENTION_DAYS: "" })).toBe(30);
    // a wrong value is an error, not a silent 30 (which could delete history meant to be kept for 90 days)
    expect(() => webhookRetentionDays({ WEBHOOK_RETENTION_DAYS: "0" })).toThrow('WEBHOOK_RETENTION_DAYS must be a whole number ≥ 1 (got "0")');
    expect(() => webhookRetentionDays({ WEBHOOK_RETENTION_DAYS: "90 days" })).toThrow("WEBHOOK_RETENTION_DAYS must be a whole number");
  });
});
