import { eventType, NonRetriableError, RetryAfterError } from "inngest";
import { z } from "zod";
import { attemptDelivery, WEBHOOK_EVENT_TYPES, type WebhookMessage } from "@/server/webhooks/outgoing";
import { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_SECONDS } from "@/server/webhooks/retry-schedule";
import { inngest } from "../client";
import { defaultDeps, type FunctionDeps } from "./deps";

/** One outgoing webhook message for one endpoint is to be delivered. */
export const webhookDeliveryRequested = eventType("webhooks/message.delivery_requested", {
  schema: z.object({
    tenantId: z.string().min(1),
    endpointId: z.string().uuid(),
    messageId: z.string().min(1),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    occurredAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
});

/**
 * Delivers one message: each execution is one attempt (recorded by attemptDelivery with the message's next state).
 * Retries follow the same schedule as the in-process sweeper (retry-schedule.ts), as Inngest retries after the
 * delay a RetryAfterError names; the last failed attempt gives up, and 410 Gone disables the endpoint and stops.
 */
export const createDeliverWebhookFunction = (deps: FunctionDeps = defaultDeps) =>
  inngest.createFunction(
    {
      id: "webhook-deliver",
      name: "Outgoing webhook: deliver one message",
      triggers: [webhookDeliveryRequested],
      retries: WEBHOOK_RETRY_DELAYS_SECONDS.length,
      concurrency: [{ key: "event.data.endpointId", limit: 5 }],
      idempotency: "event.data.messageId + '-' + event.data.endpointId",
    },
    async ({ event, attempt }) => {
      const message = event.data as WebhookMessage;
      const result = await attemptDelivery(await deps.getDb(), message, attempt + 1);
      if (result.outcome === "RETRY") {
        throw new RetryAfterError(`delivery attempt ${attempt + 1} failed: ${result.error}`, result.retryInSeconds * 1000);
      }
      if (result.outcome === "GAVE_UP") {
        throw new NonRetriableError(`gave up after attempt ${attempt + 1} of ${WEBHOOK_MAX_ATTEMPTS}: ${result.error}`);
      }
      if (result.outcome === "GONE") throw new NonRetriableError("the endpoint answered 410 Gone and was disabled");
      return result;
    },
  );

export const deliverWebhookFunction = createDeliverWebhookFunction();
