import { documentProfileInput, getDocumentProfile, logoInput, removeLogo, saveDocumentProfile, uploadLogo } from "@/server/tenants/document-profile";
import { einvoiceProfileInput, getEinvoiceProfile, updateEinvoiceProfile } from "@/server/tenants/einvoice-settings";
import { apiEndpoint } from "../endpoint";

// /api/v1/seller-profile: what Settings shows of the seller beyond its identity — the e-invoice data (contact, registered
// electronic address, VAT accounting currency) and the documents' footer, language and logo. Every member may read;
// only admin keys change it, as only admins may in the dashboard.

export const getEinvoiceProfileEndpoint = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await getEinvoiceProfile(db, tenantId) }),
});
export const updateEinvoiceProfileEndpoint = apiEndpoint({
  permission: "administer",
  body: einvoiceProfileInput,
  handle: async ({ db, tenantId, body }) => ({ status: 200, body: await updateEinvoiceProfile(db, tenantId, body) }),
});

export const getDocumentProfileEndpoint = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await getDocumentProfile(db, tenantId) }),
});
export const saveDocumentProfileEndpoint = apiEndpoint({
  permission: "administer",
  body: documentProfileInput,
  handle: async ({ db, tenantId, body }) => ({ status: 200, body: await saveDocumentProfile(db, tenantId, body) }),
});

export const uploadLogoEndpoint = apiEndpoint({
  permission: "administer",
  body: logoInput,
  handle: async ({ db, tenantId, body }) => ({ status: 200, body: await uploadLogo(db, tenantId, body) }),
});
export const removeLogoEndpoint = apiEndpoint({
  permission: "administer",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await removeLogo(db, tenantId) }),
});
