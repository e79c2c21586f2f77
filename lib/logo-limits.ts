// The PDF letterhead logo the tenant uploads in Settings: checked in the browser before upload and by the service
// (server/tenants/document-profile.ts) and the database (0018) after.
export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_TYPES = ["image/png", "image/jpeg"] as const;
