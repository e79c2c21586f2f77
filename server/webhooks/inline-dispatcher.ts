import type { WebhookDispatcher } from "./outgoing";
import { requestWebhookSweep } from "./sweeper";

/** Without Inngest: the messages are already stored, so the in-process sweeper delivers them (now, and retries later). */
export const inlineWebhookDispatcher: WebhookDispatcher = {
  name: "inline",
  async dispatch(db) {
    requestWebhookSweep(db);
  },
};
