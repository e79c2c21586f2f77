-- Documents in the buyer's language, and what a PDF worth receiving needs (issue #18 point 3, #17 point 5).
ALTER TABLE "tenant_profiles" ADD COLUMN "trade_register" text;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "managing_directors" text;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "logo" bytea;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "logo_mime_type" text;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "default_language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD CONSTRAINT "tenant_profiles_default_language_check"
  CHECK (default_language IN ('en', 'de', 'fr', 'es', 'it', 'nl'));--> statement-breakpoint
-- A logo is a PNG or JPEG of at most 256 KiB (server/tenants/document-profile.ts checks the bytes themselves first).
ALTER TABLE "tenant_profiles" ADD CONSTRAINT "tenant_profiles_logo_check"
  CHECK ((logo IS NULL) = (logo_mime_type IS NULL)
     AND (logo IS NULL OR (octet_length(logo) BETWEEN 1 AND 262144 AND logo_mime_type IN ('image/png', 'image/jpeg'))));--> statement-breakpoint
-- An account's language: null means the tenant's default. Tags such as "de-CH" become their language, others null.
ALTER TABLE "customer_accounts" ALTER COLUMN "language" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "customer_accounts" ALTER COLUMN "language" DROP NOT NULL;--> statement-breakpoint
UPDATE "customer_accounts" SET "language" = CASE
    WHEN lower(split_part(language, '-', 1)) IN ('en', 'de', 'fr', 'es', 'it', 'nl') THEN lower(split_part(language, '-', 1))
  END
 WHERE language IS DISTINCT FROM lower(split_part(language, '-', 1))
    OR lower(split_part(language, '-', 1)) NOT IN ('en', 'de', 'fr', 'es', 'it', 'nl');--> statement-breakpoint
ALTER TABLE "customer_accounts" ADD CONSTRAINT "customer_accounts_language_check"
  CHECK (language IN ('en', 'de', 'fr', 'es', 'it', 'nl'));--> statement-breakpoint
ALTER TABLE "billing_runs" ADD COLUMN "memo" text;--> statement-breakpoint
ALTER TABLE "billing_runs" ADD CONSTRAINT "billing_runs_memo_check" CHECK (char_length(memo) BETWEEN 1 AND 1000);--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "memo" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_memo_check" CHECK (char_length(memo) BETWEEN 1 AND 1000);
