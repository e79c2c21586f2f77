import { documentProfileInput, getDocumentProfile, logoInput, removeLogo, saveDocumentProfile, uploadLogo } from "@/server/tenants/document-profile";
import { einvoiceProfileInput, getEinvoiceProfile, updateEinvoiceProfile } from "@/server/tenants/einvoice-settings";
import { sellerIdentityInput } from "@/lib/seller-identity-inputs";
import { getSellerIdentity, saveSellerIdentity } from "@/server/tenants/onboarding";
import { apiEndpoint } from "../endpoint";

// /api/v1/seller-profile: the seller's identity (legal name, address, VAT id; a new organization completes it before its
// first run), and beyond it the e-invoice data (contact, registered
// electronic address, VAT accounting currency) and the documents' footer, language and logo. Every member may read;
// only admin keys change it, as only admins may in the dashboard.

export const getSellerIdentityEndpoint = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await getSellerIdentity(db, tenantId) }),
});
export const saveSellerIdentityEndpoint = apiEndpoint({
  permission: "administer",
  body: sellerIdentityInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await saveSellerIdentity(db, tenantId, body, actor) }),
});

export const getEinvoiceProfileEndpoint = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await getEinvoiceProfile(db, tenantId) }),
});
export const updateEinvoiceProfileEndpoint = apiEndpoint({
  permission: "administer",
  body: einvoiceProfileInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await updateEinvoiceProfile(db, tenantId, body, actor) }),
});

export const getDocumentProfileEndpoint = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await getDocumentProfile(db, tenantId) }),
});
export const saveDocumentProfileEndpoint = apiEndpoint({
  permission: "administer",
  body: documentProfileInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await saveDocumentProfile(db, tenantId, body, actor) }),
});

export const uploadLogoEndpoint = apiEndpoint({
  permission: "administer",
  body: logoInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await uploadLogo(db, tenantId, body, actor) }),
});
export const removeLogoEndpoint = apiEndpoint({
  permission: "administer",
  handle: async ({ db, tenantId, actor }) => ({ status: 200, body: await removeLogo(db, tenantId, actor) }),
});
