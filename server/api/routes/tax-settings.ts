import { taxSettingsInput, vatRateInput } from "@/lib/tax-settings-inputs";
import { deleteVatRate, getTaxSettings, saveTaxSettings, setVatRate } from "@/server/tax/tax-settings";
import { apiEndpoint } from "../endpoint";

// GET / POST /api/v1/tax-settings: OSS and the tenant's VAT registrations; POST /api/v1/vat-rates sets one of its own
// VAT rates and POST /api/v1/vat-rates/{country}/{rateType}/{validFrom}/delete removes one (server/tax/tax-settings.ts).

export const getTaxSettingsEndpoint = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await getTaxSettings(db, tenantId) }),
});

export const saveTaxSettingsEndpoint = apiEndpoint({
  permission: "administer",
  body: taxSettingsInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await saveTaxSettings(db, tenantId, body, actor) }),
});

export const setVatRateEndpoint = apiEndpoint({
  permission: "administer",
  body: vatRateInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await setVatRate(db, tenantId, body, actor) }),
});

export const deleteVatRateEndpoint = apiEndpoint({
  permission: "administer",
  handle: async ({ db, tenantId, actor, params }) => ({
    status: 200,
    body: await deleteVatRate(db, tenantId, { country: params.country, rateType: params.rateType as never, validFrom: params.validFrom }, actor),
  }),
});
