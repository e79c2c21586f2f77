import { inngest } from "@/inngest/client";
import { webhookDeliveryRequested } from "@/inngest/functions/deliver-webhook";
import type { WebhookDispatcher } from "./outgoing";

/** Hands each message to the deliver-webhook Inngest function (deterministic ids: a re-sent event is deduplicated). */
export const inngestWebhookDispatcher: WebhookDispatcher = {
  name: "inngest",
  async dispatch(_db, messages) {
    for (let i = 0; i < messages.length; i += 500) {
      await inngest.send(
        messages
          .slice(i, i + 500)
          .map((m) => webhookDeliveryRequested.create({ ...m }, { id: `${m.messageId}-${m.endpointId}` })),
      );
    }
  },
};
