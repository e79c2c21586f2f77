-- VAT determined per line (#18): tax classes on charges, customer types on accounts, OSS / VAT registrations on the
-- seller, a dated VAT rate table (shipped EU-27 rates + tenant overrides), the determination's outputs on lines and
-- VAT breakdown rows.
CREATE TYPE "public"."tax_class" AS ENUM('STANDARD', 'REDUCED', 'ZERO', 'EXEMPT', 'ELECTRONIC_SERVICE', 'GOODS', 'GOODS_REDUCED');--> statement-breakpoint
CREATE TYPE "public"."customer_type" AS ENUM('BUSINESS', 'CONSUMER');--> statement-breakpoint
CREATE TYPE "public"."line_kind" AS ENUM('CHARGE', 'CREDIT', 'DISCOUNT', 'REFUND');--> statement-breakpoint
CREATE TYPE "public"."line_grouping" AS ENUM('AGGREGATE', 'PER_ITEM', 'PER_PRICE');--> statement-breakpoint
CREATE TABLE "vat_rates" (
	"tenant_id" text,
	"country" char(2) NOT NULL,
	"rate_type" text NOT NULL,
	"rate" numeric(5, 2) NOT NULL,
	"valid_from" date NOT NULL,
	CONSTRAINT "vat_rates_uq" UNIQUE NULLS NOT DISTINCT("tenant_id","country","rate_type","valid_from"),
	CONSTRAINT "vat_rates_rate_type_check" CHECK ("rate_type" IN ('STANDARD', 'REDUCED')),
	CONSTRAINT "vat_rates_rate_check" CHECK ("rate" >= 0 AND "rate" < 100)
);
--> statement-breakpoint
ALTER TABLE "vat_rates" ADD CONSTRAINT "vat_rates_tenant_id_organization_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The shipped rates (server/tax/eu-vat-data.ts; a test checks they are the same).
INSERT INTO "vat_rates" ("tenant_id", "country", "rate_type", "rate", "valid_from")
SELECT NULL, v.country, v.rate_type, v.rate, v.valid_from::date FROM (VALUES
  ('AT', 'STANDARD', 20.00, '2016-01-01'),
  ('AT', 'REDUCED', 10.00, '2016-01-01'),
  ('BE', 'STANDARD', 21.00, '2016-01-01'),
  ('BE', 'REDUCED', 6.00, '2016-01-01'),
  ('BG', 'STANDARD', 20.00, '2016-01-01'),
  ('BG', 'REDUCED', 9.00, '2016-01-01'),
  ('CY', 'STANDARD', 19.00, '2016-01-01'),
  ('CY', 'REDUCED', 9.00, '2016-01-01'),
  ('CZ', 'STANDARD', 21.00, '2016-01-01'),
  ('CZ', 'REDUCED', 12.00, '2024-01-01'),
  ('DE', 'STANDARD', 19.00, '2016-01-01'),
  ('DE', 'REDUCED', 7.00, '2016-01-01'),
  ('DK', 'STANDARD', 25.00, '2016-01-01'),
  ('EE', 'STANDARD', 22.00, '2024-01-01'),
  ('EE', 'STANDARD', 24.00, '2025-07-01'),
  ('EE', 'REDUCED', 9.00, '2016-01-01'),
  ('ES', 'STANDARD', 21.00, '2016-01-01'),
  ('ES', 'REDUCED', 10.00, '2016-01-01'),
  ('FI', 'STANDARD', 24.00, '2016-01-01'),
  ('FI', 'STANDARD', 25.50, '2024-09-01'),
  ('FI', 'REDUCED', 14.00, '2016-01-01'),
  ('FI', 'REDUCED', 13.50, '2026-01-01'),
  ('FR', 'STANDARD', 20.00, '2016-01-01'),
  ('FR', 'REDUCED', 10.00, '2016-01-01'),
  ('GR', 'STANDARD', 24.00, '2016-06-01'),
  ('GR', 'REDUCED', 13.00, '2016-06-01'),
  ('HR', 'STANDARD', 25.00, '2016-01-01'),
  ('HR', 'REDUCED', 13.00, '2016-01-01'),
  ('HU', 'STANDARD', 27.00, '2016-01-01'),
  ('HU', 'REDUCED', 18.00, '2016-01-01'),
  ('IE', 'STANDARD', 23.00, '2021-03-01'),
  ('IE', 'REDUCED', 13.50, '2016-01-01'),
  ('IT', 'STANDARD', 22.00, '2016-01-01'),
  ('IT', 'REDUCED', 10.00, '2016-01-01'),
  ('LT', 'STANDARD', 21.00, '2016-01-01'),
  ('LT', 'REDUCED', 9.00, '2016-01-01'),
  ('LU', 'STANDARD', 17.00, '2024-01-01'),
  ('LU', 'REDUCED', 8.00, '2024-01-01'),
  ('LV', 'STANDARD', 21.00, '2016-01-01'),
  ('LV', 'REDUCED', 12.00, '2016-01-01'),
  ('MT', 'STANDARD', 18.00, '2016-01-01'),
  ('MT', 'REDUCED', 7.00, '2016-01-01'),
  ('NL', 'STANDARD', 21.00, '2016-01-01'),
  ('NL', 'REDUCED', 9.00, '2019-01-01'),
  ('PL', 'STANDARD', 23.00, '2016-01-01'),
  ('PL', 'REDUCED', 8.00, '2016-01-01'),
  ('PT', 'STANDARD', 23.00, '2016-01-01'),
  ('PT', 'REDUCED', 13.00, '2016-01-01'),
  ('RO', 'STANDARD', 19.00, '2017-01-01'),
  ('RO', 'STANDARD', 21.00, '2025-08-01'),
  ('RO', 'REDUCED', 9.00, '2017-01-01'),
  ('RO', 'REDUCED', 11.00, '2025-08-01'),
  ('SE', 'STANDARD', 25.00, '2016-01-01'),
  ('SE', 'REDUCED', 12.00, '2016-01-01'),
  ('SI', 'STANDARD', 22.00, '2016-01-01'),
  ('SI', 'REDUCED', 9.50, '2016-01-01'),
  ('SK', 'STANDARD', 20.00, '2016-01-01'),
  ('SK', 'STANDARD', 23.00, '2025-01-01'),
  ('SK', 'REDUCED', 10.00, '2016-01-01'),
  ('SK', 'REDUCED', 19.00, '2025-01-01'),
  ('IC', 'STANDARD', 7.00, '2016-01-01'),
  ('IC', 'REDUCED', 3.00, '2016-01-01')
) AS v(country, rate_type, rate, valid_from);--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "oss_registered" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "vat_registrations" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_accounts" ADD COLUMN "customer_type" "customer_type" DEFAULT 'BUSINESS' NOT NULL;--> statement-breakpoint
ALTER TABLE "charges" ADD COLUMN "tax_class" "tax_class" DEFAULT 'STANDARD' NOT NULL;--> statement-breakpoint
ALTER TABLE "charges" ADD COLUMN "vat_exemption_code" text;--> statement-breakpoint
-- Existing charges: the class that gives the same VAT for a domestic buyer. A standard-rated charge below its seller's
-- standard rate becomes REDUCED; K / G were goods; AE / O / L / M were services whose category now follows the buyer.
UPDATE "charges" ch SET "tax_class" = (CASE
    WHEN ch.vat_category = 'Z' THEN 'ZERO'
    WHEN ch.vat_category = 'E' THEN 'EXEMPT'
    WHEN ch.vat_category IN ('K', 'G') THEN 'GOODS'
    WHEN ch.vat_category = 'S' AND ch.vat_rate < (
      SELECT r.rate FROM tenant_profiles t JOIN vat_rates r ON r.country = t.country AND r.rate_type = 'STANDARD' AND r.tenant_id IS NULL
      WHERE t.tenant_id = ch.tenant_id AND r.valid_from <= current_date ORDER BY r.valid_from DESC LIMIT 1) THEN 'REDUCED'
    ELSE 'STANDARD' END)::tax_class;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD COLUMN "vat_exemption_code" text;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD COLUMN "vat_exemption_reason" text;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD COLUMN "tax_error" text;--> statement-breakpoint
ALTER TABLE "invoice_tax_subtotals" ADD COLUMN "exemption_reason_code" text;--> statement-breakpoint
-- Lines that explain themselves: credits, discounts and refunds get lines of their own; a charge may ask for one line
-- per item or per unit price.
ALTER TABLE "rated_items" ADD COLUMN "kind" "line_kind";--> statement-breakpoint
ALTER TABLE "charges" ADD COLUMN "line_grouping" "line_grouping" DEFAULT 'AGGREGATE' NOT NULL;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD COLUMN "kind" "line_kind" DEFAULT 'CHARGE' NOT NULL;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD COLUMN "item_description" text;
