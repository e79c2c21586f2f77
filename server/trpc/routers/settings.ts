import { apiKeyIdInput, createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from "@/server/api/api-keys";
import {
  createEndpoint,
  createEndpointInput,
  deleteEndpoint,
  endpointIdInput,
  listDeliveries,
  listDeliveriesInput,
  listEndpoints,
  updateEndpoint,
  updateEndpointInput,
} from "@/server/webhooks/endpoints";
import { listWebhookSecrets, revokeWebhookSecret, rotateWebhookSecret, rotateWebhookSecretInput, webhookSecretIdInput } from "@/server/webhooks/secrets";
import { inviteMember, inviteMemberInput, listInvitations } from "@/server/tenants/invitations";
import {
  deleteExchangeRate,
  einvoiceProfileInput,
  exchangeRateInput,
  exchangeRateKeyInput,
  getEinvoiceProfile,
  listExchangeRates,
  setExchangeRate,
  updateEinvoiceProfile,
} from "@/server/tenants/einvoice-settings";
import {
  documentProfileInput,
  getDocumentProfile,
  logoInput,
  removeLogo,
  saveDocumentProfile,
  uploadLogo,
} from "@/server/tenants/document-profile";
import { taxSettingsInput, vatRateInput, vatRateKeyInput } from "@/lib/tax-settings-inputs";
import { deleteVatRate, getTaxSettings, saveTaxSettings, setVatRate } from "@/server/tax/tax-settings";
import { sellerIdentityInput } from "@/lib/seller-identity-inputs";
import { getSellerIdentity, saveSellerIdentity } from "@/server/tenants/onboarding";
import { adminProcedure, createTRPCRouter, readProcedure } from "../init";

// Integration settings: API keys, incoming-webhook secrets, outgoing-webhook endpoints. Every member may look
// (lists show prefixes only); only admins change anything, since keys and secrets grant access to the tenant.
export const settingsRouter = createTRPCRouter({
  apiKeys: createTRPCRouter({
    list: readProcedure.query(({ ctx }) => listApiKeys(ctx.db, ctx.tenantId)),
    create: adminProcedure.input(createApiKeyInput).mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.tenantId, input, ctx.viewer.userId)),
    revoke: adminProcedure.input(apiKeyIdInput).mutation(({ ctx, input }) => revokeApiKey(ctx.db, ctx.tenantId, input, ctx.actor)),
  }),
  webhookSecrets: createTRPCRouter({
    list: readProcedure.query(({ ctx }) => listWebhookSecrets(ctx.db, ctx.tenantId)),
    rotate: adminProcedure.input(rotateWebhookSecretInput).mutation(({ ctx, input }) => rotateWebhookSecret(ctx.db, ctx.tenantId, input, ctx.actor)),
    revoke: adminProcedure.input(webhookSecretIdInput).mutation(({ ctx, input }) => revokeWebhookSecret(ctx.db, ctx.tenantId, input, ctx.actor)),
  }),
  documentProfile: createTRPCRouter({
    get: readProcedure.query(({ ctx }) => getDocumentProfile(ctx.db, ctx.tenantId)),
    save: adminProcedure.input(documentProfileInput).mutation(({ ctx, input }) => saveDocumentProfile(ctx.db, ctx.tenantId, input, ctx.actor)),
    uploadLogo: adminProcedure.input(logoInput).mutation(({ ctx, input }) => uploadLogo(ctx.db, ctx.tenantId, input, ctx.actor)),
    removeLogo: adminProcedure.mutation(({ ctx }) => removeLogo(ctx.db, ctx.tenantId, ctx.actor)),
  }),
  webhookEndpoints: createTRPCRouter({
    list: readProcedure.query(({ ctx }) => listEndpoints(ctx.db, ctx.tenantId)),
    create: adminProcedure.input(createEndpointInput).mutation(({ ctx, input }) => createEndpoint(ctx.db, ctx.tenantId, input, ctx.actor)),
    update: adminProcedure.input(updateEndpointInput).mutation(({ ctx, input }) => updateEndpoint(ctx.db, ctx.tenantId, input, ctx.actor)),
    delete: adminProcedure.input(endpointIdInput).mutation(({ ctx, input }) => deleteEndpoint(ctx.db, ctx.tenantId, input, ctx.actor)),
    deliveries: readProcedure.input(listDeliveriesInput).query(({ ctx, input }) => listDeliveries(ctx.db, ctx.tenantId, input)),
  }),
  members: createTRPCRouter({
    invitations: readProcedure.query(({ ctx }) => listInvitations(ctx.db, ctx.tenantId)),
    invite: adminProcedure.input(inviteMemberInput).mutation(({ ctx, input }) => inviteMember(ctx.db, ctx.tenantId, ctx.viewer.userId, input)),
  }),
  sellerIdentity: createTRPCRouter({
    get: readProcedure.query(({ ctx }) => getSellerIdentity(ctx.db, ctx.tenantId)),
    save: adminProcedure.input(sellerIdentityInput).mutation(({ ctx, input }) => saveSellerIdentity(ctx.db, ctx.tenantId, input, ctx.actor)),
  }),
  einvoiceProfile: createTRPCRouter({
    get: readProcedure.query(({ ctx }) => getEinvoiceProfile(ctx.db, ctx.tenantId)),
    update: adminProcedure.input(einvoiceProfileInput).mutation(({ ctx, input }) => updateEinvoiceProfile(ctx.db, ctx.tenantId, input, ctx.actor)),
  }),
  taxSettings: createTRPCRouter({
    get: readProcedure.query(({ ctx }) => getTaxSettings(ctx.db, ctx.tenantId)),
    save: adminProcedure.input(taxSettingsInput).mutation(({ ctx, input }) => saveTaxSettings(ctx.db, ctx.tenantId, input, ctx.actor)),
    setRate: adminProcedure.input(vatRateInput).mutation(({ ctx, input }) => setVatRate(ctx.db, ctx.tenantId, input, ctx.actor)),
    deleteRate: adminProcedure.input(vatRateKeyInput).mutation(({ ctx, input }) => deleteVatRate(ctx.db, ctx.tenantId, input, ctx.actor)),
  }),
  exchangeRates: createTRPCRouter({
    list: readProcedure.query(({ ctx }) => listExchangeRates(ctx.db, ctx.tenantId)),
    set: adminProcedure.input(exchangeRateInput).mutation(({ ctx, input }) => setExchangeRate(ctx.db, ctx.tenantId, input, ctx.actor)),
    delete: adminProcedure.input(exchangeRateKeyInput).mutation(({ ctx, input }) => deleteExchangeRate(ctx.db, ctx.tenantId, input, ctx.actor)),
  }),
});
