import type { z } from "zod";
import { getOutboxMessage, listOutbox, type listOutboxInput } from "@/server/notifications/outbox";
import { apiEndpoint } from "../endpoint";
import { queryToInput } from "../query";

// /api/v1/outbox[/{id}]: the tenant's e-mails (sent, failed, or kept in the outbox without a Resend key).

export const listOutboxMessages = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, url }) => {
    const input = queryToInput(url, { allowed: ["page", "pageSize"], numbers: ["page", "pageSize"] });
    return { status: 200, body: await listOutbox(db, tenantId, input as z.input<typeof listOutboxInput>) };
  },
});

export const getOutboxMessageById = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => ({ status: 200, body: await getOutboxMessage(db, tenantId, { id: params.id }) }),
});
