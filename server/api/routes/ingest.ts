import { apiEndpoint } from "../endpoint";
import { ingestRatedItems } from "../ingest/rated-items";
import { upsertAccounts, upsertCharges, upsertSubscriptions } from "../ingest/master-data";
import type { IngestRatedItemsInput, UpsertAccountsInput, UpsertChargesInput, UpsertSubscriptionsInput } from "../ingest/schemas";

// POST /api/v1/{accounts,subscriptions,charges,rated-items}: batch upserts / idempotent ingest.
// The services validate the body with their zod schemas (the same ones the OpenAPI document shows).

export const postAccounts = apiEndpoint({
  permission: "operate",
  body: "json",
  handle: async ({ db, tenantId, body }) => ({ status: 200, body: await upsertAccounts(db, tenantId, body as UpsertAccountsInput) }),
});

export const postSubscriptions = apiEndpoint({
  permission: "operate",
  body: "json",
  handle: async ({ db, tenantId, body }) => ({ status: 200, body: await upsertSubscriptions(db, tenantId, body as UpsertSubscriptionsInput) }),
});

export const postCharges = apiEndpoint({
  permission: "operate",
  body: "json",
  handle: async ({ db, tenantId, body }) => ({ status: 200, body: await upsertCharges(db, tenantId, body as UpsertChargesInput) }),
});

export const postRatedItems = apiEndpoint({
  permission: "operate",
  body: "json",
  handle: async ({ db, tenantId, body }) => ({ status: 200, body: await ingestRatedItems(db, tenantId, body as IngestRatedItemsInput) }),
});
