import { eventType, NonRetriableError } from "inngest";
import { z } from "zod";
import { attemptDelivery, WEBHOOK_EVENT_TYPES, type WebhookMessage } from "@/server/webhooks/outgoing";
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

/** Attempts before giving up; Inngest spaces retries with exponential back-off (seconds → hours). */
export const WEBHOOK_DELIVERY_RETRIES = 10;

/**
 * Delivers one message: each execution is one attempt (recorded in webhook_deliveries by attemptDelivery);
 * a failed attempt throws so Inngest retries with back-off; 410 Gone disables the endpoint and stops.
 */
export const createDeliverWebhookFunction = (deps: FunctionDeps = defaultDeps) =>
  inngest.createFunction(
    {
      id: "webhook-deliver",
      name: "Outgoing webhook: deliver one message",
      triggers: [webhookDeliveryRequested],
      retries: WEBHOOK_DELIVERY_RETRIES,
      concurrency: [{ key: "event.data.endpointId", limit: 5 }],
      idempotency: "event.data.messageId + '-' + event.data.endpointId",
    },
    async ({ event, attempt }) => {
      const message = event.data as WebhookMessage;
      const result = await attemptDelivery(await deps.getDb(), message, attempt + 1);
      if (result.outcome === "RETRY") throw new Error(`delivery attempt ${attempt + 1} failed: ${result.error}`);
      if (result.outcome === "GONE") throw new NonRetriableError("the endpoint answered 410 Gone and was disabled");
      return result;
    },
  );

export const deliverWebhookFunction = createDeliverWebhookFunction();
