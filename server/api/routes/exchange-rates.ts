import { deleteExchangeRate, listExchangeRates, setExchangeRate } from "@/server/tenants/einvoice-settings";
import { apiEndpoint } from "../endpoint";

// GET / POST /api/v1/exchange-rates: the rates for the VAT total in the VAT accounting currency (BT-111);
// POST /api/v1/exchange-rates/{currency}/{rateDate}/delete removes one.

export const getExchangeRates = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: { rates: await listExchangeRates(db, tenantId) } }),
});

export const postExchangeRate = apiEndpoint({
  permission: "administer",
  body: "json",
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await setExchangeRate(db, tenantId, body as never, actor) }),
});

export const deleteExchangeRateEndpoint = apiEndpoint({
  permission: "administer",
  handle: async ({ db, tenantId, actor, params }) => ({
    status: 200,
    body: await deleteExchangeRate(db, tenantId, { currency: params.currency, rateDate: params.rateDate }, actor),
  }),
});
