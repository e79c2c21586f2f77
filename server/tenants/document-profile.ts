import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { documentLanguageSchema, type DocumentLanguage } from "@/server/documents/i18n/languages";
import { LOGO_MAX_BYTES, LOGO_TYPES } from "@/lib/logo-limits";
import { recordAudit } from "@/server/audit/audit-log";
import type { Actor } from "@/server/billing/runs-core";
import { badRequest, notFound } from "@/server/errors";

/**
 * What the tenant's documents show besides the seller's identity: the logo in the PDF's letterhead, the trade register
 * and managing directors in its footer, and the language of documents for accounts without one.
 */

export { LOGO_MAX_BYTES };
type LogoType = (typeof LOGO_TYPES)[number];

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .nullable()
    .transform((v) => v || null);

export const documentProfileInput = z
  .object({
    tradeRegister: optionalText(200).describe("the trade register and number, printed in the PDF footer, e.g. Amtsgericht Berlin HRB 123456"),
    managingDirectors: optionalText(300).describe("the managing directors, printed in the PDF footer"),
    defaultLanguage: documentLanguageSchema.describe("the language of documents for accounts without one"),
  })
  .strict();
export type DocumentProfileInput = z.input<typeof documentProfileInput>;

export const logoInput = z
  .object({
    mimeType: z.enum(LOGO_TYPES, { error: "must be image/png or image/jpeg" }).describe("the image type; must match the file's signature"),
    // base64 of at most LOGO_MAX_BYTES bytes (4 characters per 3 bytes); the exact size is checked after decoding
    data: z
      .string()
      .max(Math.ceil(LOGO_MAX_BYTES / 3) * 4 + 4, `the logo must be at most ${LOGO_MAX_BYTES / 1024} KiB`)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64")
      .describe(`the image file, base64 (at most ${LOGO_MAX_BYTES / 1024} KiB decoded)`),
  })
  .strict();
export type LogoInput = z.input<typeof logoInput>;

export type DocumentProfile = {
  tradeRegister: string | null;
  managingDirectors: string | null;
  defaultLanguage: DocumentLanguage;
  logo: { mimeType: LogoType; bytes: number; dataUri: string } | null;
};

export async function getDocumentProfile(db: Queryable, tenantId: string): Promise<DocumentProfile> {
  const [row] = await queryRows<{
    trade_register: string | null;
    managing_directors: string | null;
    default_language: DocumentLanguage;
    logo_mime_type: LogoType | null;
    logo_bytes: number | null;
    logo_base64: string | null;
  }>(
    db,
    sql`SELECT trade_register, managing_directors, default_language, logo_mime_type, octet_length(logo) AS logo_bytes,
               translate(encode(logo, 'base64'), chr(10), '') AS logo_base64
          FROM tenant_profiles WHERE tenant_id = ${tenantId}`,
  );
  if (!row) throw notFound("Seller profile");
  return {
    tradeRegister: row.trade_register,
    managingDirectors: row.managing_directors,
    defaultLanguage: row.default_language,
    logo:
      row.logo_mime_type && row.logo_base64
        ? { mimeType: row.logo_mime_type, bytes: Number(row.logo_bytes), dataUri: `data:${row.logo_mime_type};base64,${row.logo_base64}` }
        : null,
  };
}

type FooterAndLanguage = Pick<DocumentProfile, "tradeRegister" | "managingDirectors" | "defaultLanguage">;
/** What the audit log keeps of a logo: its type, size and SHA-256 — never the bytes. */
type LogoSummary = { mimeType: string; bytes: number; sha256: string };

const footerAndLanguage = (p: FooterAndLanguage): FooterAndLanguage => ({
  tradeRegister: p.tradeRegister,
  managingDirectors: p.managingDirectors,
  defaultLanguage: p.defaultLanguage,
});

/** The profile row locked for the change (before → after of the audit entry stay exact under concurrent saves). */
async function lockedProfile(tx: Queryable, tenantId: string) {
  const [row] = await queryRows<FooterAndLanguage & { logo: LogoSummary | null }>(
    tx,
    sql`SELECT trade_register AS "tradeRegister", managing_directors AS "managingDirectors", default_language AS "defaultLanguage",
          CASE WHEN logo IS NULL THEN NULL
            ELSE jsonb_build_object('mimeType', logo_mime_type, 'bytes', octet_length(logo), 'sha256', encode(sha256(logo), 'hex')) END AS logo
        FROM tenant_profiles WHERE tenant_id = ${tenantId} FOR UPDATE`,
  );
  if (!row) throw notFound("Seller profile");
  return row;
}

export async function saveDocumentProfile(db: Db, tenantId: string, input: z.output<typeof documentProfileInput>, actor: Actor) {
  return db.transaction(async (tx) => {
    const before = footerAndLanguage(await lockedProfile(tx, tenantId));
    await tx.execute(sql`UPDATE tenant_profiles
           SET trade_register = ${input.tradeRegister}, managing_directors = ${input.managingDirectors},
               default_language = ${input.defaultLanguage}, updated_at = now()
         WHERE tenant_id = ${tenantId}`);
    const after = await getDocumentProfile(tx, tenantId);
    await recordAudit(tx, {
      tenantId,
      actor,
      action: "settings.document_profile.update",
      entityType: "settings",
      entityId: "document_profile",
      before,
      after: footerAndLanguage(after),
    });
    return after;
  });
}

/** Stores the logo after checking its bytes: a PNG or JPEG (by signature, matching the declared type), at most 256 KiB. */
export async function uploadLogo(db: Db, tenantId: string, input: z.output<typeof logoInput>, actor: Actor) {
  const bytes = Buffer.from(input.data, "base64");
  if (bytes.length === 0) throw badRequest("The logo is empty", [{ field: "data", message: "is empty" }]);
  if (bytes.length > LOGO_MAX_BYTES) {
    throw badRequest(`The logo is ${Math.ceil(bytes.length / 1024)} KiB; at most ${LOGO_MAX_BYTES / 1024} KiB are accepted`, [
      { field: "data", message: `must be at most ${LOGO_MAX_BYTES / 1024} KiB` },
    ]);
  }
  const actual = imageType(bytes);
  if (actual !== input.mimeType) {
    throw badRequest(actual ? `The file is a ${TYPE_NAME[actual]}, not a ${TYPE_NAME[input.mimeType]}` : "The logo must be a PNG or JPEG image", [
      { field: "data", message: actual ? `is ${actual}, declared ${input.mimeType}` : "is not a PNG or JPEG image" },
    ]);
  }
  return db.transaction(async (tx) => {
    const before = await lockedProfile(tx, tenantId);
    await tx.execute(sql`UPDATE tenant_profiles SET logo = ${bytes}, logo_mime_type = ${actual}, updated_at = now() WHERE tenant_id = ${tenantId}`);
    const after = await lockedProfile(tx, tenantId);
    await recordAudit(tx, { tenantId, actor, action: "settings.logo.upload", entityType: "settings", entityId: "logo", before: before.logo, after: after.logo });
    return getDocumentProfile(tx, tenantId);
  });
}

/** Removes the logo; an entry is recorded only when there was one to remove. */
export async function removeLogo(db: Db, tenantId: string, actor: Actor) {
  return db.transaction(async (tx) => {
    const before = await lockedProfile(tx, tenantId);
    if (before.logo) {
      await tx.execute(sql`UPDATE tenant_profiles SET logo = NULL, logo_mime_type = NULL, updated_at = now() WHERE tenant_id = ${tenantId}`);
      await recordAudit(tx, { tenantId, actor, action: "settings.logo.remove", entityType: "settings", entityId: "logo", before: before.logo, after: null });
    }
    return getDocumentProfile(tx, tenantId);
  });
}

const TYPE_NAME: Record<LogoType, string> = { "image/png": "PNG", "image/jpeg": "JPEG" };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function imageType(bytes: Buffer): LogoType | null {
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return null;
}
