import { apiEndpoint } from "../endpoint";
import { HttpProblem } from "../problem";
import { queryToInput } from "../query";
import { ingestRatedItems, ON_CONFLICT_VALUES, type OnConflict } from "../ingest/rated-items";
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
  itemCount: (body) => {
    const items = (body as { items?: unknown } | null)?.items;
    return Array.isArray(items) ? items.length : 0;
  },
  handle: async ({ db, tenantId, body, url }) => ({
    status: 200,
    body: await ingestRatedItems(db, tenantId, body as IngestRatedItemsInput, { onConflict: onConflictOf(url) }),
  }),
});

/** `?onConflict=reject` (the default: a changed item answers 409) or `update` (open items take the sent content). */
function onConflictOf(url: URL): OnConflict {
  const { onConflict = "reject" } = queryToInput(url, { allowed: ["onConflict"] });
  if (!ON_CONFLICT_VALUES.includes(onConflict as OnConflict)) {
    throw new HttpProblem("BAD_REQUEST", `onConflict must be one of ${ON_CONFLICT_VALUES.join(", ")}`, [
      { field: "onConflict", message: `must be one of ${ON_CONFLICT_VALUES.join(", ")}` },
    ]);
  }
  return onConflict as OnConflict;
}
