import { sql } from "drizzle-orm";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { z } from "zod";
import { queryRows, type Db } from "@/db/client";
import { assertStorableJson } from "@/server/api/json-text";
import { HttpProblem, jsonResponse, problemResponse } from "@/server/api/problem";
import { createRunInput } from "@/lib/billing-inputs";
import { formatRunNumber } from "@/server/billing/run-list";
import { processRun } from "@/server/billing/runs";
import type { Actor } from "@/server/billing/runs-core";
import { DomainError } from "@/server/errors";
import { validWebhookSecrets } from "./secrets";

/**
 * POST /api/webhooks/billing-runs?tenant=<slug or id>
 *
 * Starts a billing run from a tenant's scheduler. Signed with the Standard Webhooks scheme (webhook-id,
 * webhook-timestamp, webhook-signature) with one of the tenant's valid secrets (two while rotating). The tenant is
 * named in the `tenant` query parameter, because the signature can only be checked once we know whose secrets to use.
 * The body is a create-run input (the same schema as the dashboard and REST) plus `processNow`.
 */
export const webhookRunInput = createRunInput.and(
  z.object({ processNow: z.boolean({ error: "must be true or false" }).default(false).describe("start processing at once") }),
);
export type WebhookRunInput = z.input<typeof webhookRunInput>;

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
const actor: Actor = { type: "WEBHOOK" };

export type WebhookRunAnswer = {
  runId: string;
  number: string;
  status: string;
  statusUrl: string;
  replayed: boolean;
  processing?: { started: boolean; message: string };
};

const unauthorized = (message: string) => new HttpProblem("UNAUTHORIZED", message);

export async function receiveBillingRunWebhook(db: Db, request: Request): Promise<Response> {
  const url = new URL(request.url);
  try {
    const tenantRef = url.searchParams.get("tenant");
    if (!tenantRef) {
      throw new HttpProblem("BAD_REQUEST", "Name the tenant in the `tenant` query parameter (its slug or id)", [
        { field: "tenant", message: "is required (query parameter)" },
      ]);
    }
    const raw = await readWebhookBody(request);
    const headers = {
      "webhook-id": request.headers.get("webhook-id") ?? "",
      "webhook-timestamp": request.headers.get("webhook-timestamp") ?? "",
      "webhook-signature": request.headers.get("webhook-signature") ?? "",
    };
    const missing = Object.entries(headers).filter(([, v]) => !v).map(([k]) => k);
    if (missing.length) throw unauthorized(`Missing Standard Webhooks header${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`);
    if (headers["webhook-id"].length > 255) throw unauthorized("webhook-id is longer than 255 characters");

    const [tenant] = await queryRows<{ id: string }>(
      db,
      sql`SELECT id FROM organization WHERE slug = ${tenantRef} OR id = ${tenantRef} LIMIT 1`,
    );
    // Same answer for an unknown tenant and a tenant without secrets: the endpoint does not reveal which tenants exist.
    const secrets = tenant ? await validWebhookSecrets(db, tenant.id) : [];
    if (!secrets.length) throw unauthorized("Signature verification failed: no valid webhook secret for this tenant");
    verifySignature(raw, headers, secrets);
    const tenantId = tenant.id;

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new HttpProblem("BAD_REQUEST", `The body is not valid JSON: ${(error as Error).message}`, [{ field: "(body)", message: "is not valid JSON" }]);
    }
    assertStorableJson(json);
    const input = webhookRunInput.parse(json);
    const { processNow, ...runInput } = input;

    const answer = await db.transaction(async (tx) => {
      const inserted = await queryRows<{ id: string }>(
        tx,
        sql`INSERT INTO webhook_inbox (tenant_id, webhook_id, payload) VALUES (${tenantId}, ${headers["webhook-id"]}, ${raw}::jsonb)
            ON CONFLICT (tenant_id, webhook_id) DO NOTHING RETURNING id`,
      );
      if (!inserted.length) {
        // Delivered before (a retry, or a concurrent duplicate that waited for the first one to commit).
        const [seen] = await queryRows<{ runId: string; number: number; status: string }>(
          tx,
          sql`SELECT b.id AS "runId", b.number, b.status FROM webhook_inbox w JOIN billing_runs b ON b.id = w.billing_run_id
              WHERE w.tenant_id = ${tenantId} AND w.webhook_id = ${headers["webhook-id"]}`,
        );
        return { ...seen, replayed: true };
      }
      const { createRun } = await import("@/server/billing/runs");
      // Nested in our transaction (a savepoint), so the run and the inbox row are stored together or not at all.
      const run = await createRun(tx as unknown as Db, tenantId, runInput, actor).catch((error: unknown) => {
        // For a webhook, an unknown billing cycle is a fault of the payload, not a missing resource.
        if (error instanceof DomainError && error.code === "NOT_FOUND") {
          throw new DomainError("BAD_REQUEST", error.message, [{ field: "billingCycleId", message: error.message }]);
        }
        throw error;
      });
      await tx.execute(
        sql`UPDATE webhook_inbox SET billing_run_id = ${run.id}::uuid WHERE tenant_id = ${tenantId} AND id = ${inserted[0].id}::uuid`,
      );
      return { runId: run.id, number: run.number, status: "NEW", replayed: false };
    });

    const body: WebhookRunAnswer = {
      runId: answer.runId,
      number: formatRunNumber(answer.number),
      status: answer.status,
      statusUrl: `/api/v1/billing-runs/${answer.runId}`,
      replayed: answer.replayed,
    };
    if (processNow && !answer.replayed) {
      try {
        const result = await processRun(db, tenantId, answer.runId, actor);
        body.processing = { started: result.started, message: result.message };
        body.status = result.status;
      } catch (error) {
        // The run exists either way; the caller sees why processing did not start and can use the status URL.
        body.processing = { started: false, message: error instanceof Error ? error.message : String(error) };
      }
    }
    return jsonResponse(202, body, { Location: body.statusUrl });
  } catch (error) {
    return problemResponse(error, url.pathname);
  }
}

async function readWebhookBody(request: Request): Promise<string> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BODY_BYTES) throw tooLarge();
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_WEBHOOK_BODY_BYTES) throw tooLarge();
  return raw;
}

const tooLarge = () => new HttpProblem("PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_WEBHOOK_BODY_BYTES / 1024} KiB`);

/** Accepts the message when any valid secret signed it; the timestamp must be within 5 minutes of now. */
function verifySignature(raw: string, headers: Record<string, string>, secrets: string[]): void {
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(raw, headers, { jsonParse: false });
      return;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      if (/timestamp/i.test(error.message)) {
        throw unauthorized(
          /too new/.test(error.message)
            ? "webhook-timestamp is more than 5 minutes in the future"
            : /too old/.test(error.message)
              ? "webhook-timestamp is more than 5 minutes old (late or replayed delivery)"
              : "webhook-timestamp must be Unix seconds",
        );
      }
      if (/Invalid Signature Headers/.test(error.message)) throw unauthorized("webhook-timestamp must be Unix seconds");
    }
  }
  throw unauthorized("Signature verification failed: webhook-signature matches none of the tenant's valid secrets");
}
