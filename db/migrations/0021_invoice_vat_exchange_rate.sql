-- BT-6 / BT-111: the VAT accounting currency and the exchange rate (with its date) a document states are fixed on the
-- invoice when it is posted, so documents generated later never change when the tenant's rates or settings do.
-- Null on drafts (looked up at document time) and on invoices posted before this migration.
ALTER TABLE "invoices" ADD COLUMN "vat_accounting_currency" char(3);--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "vat_exchange_rate" numeric;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "vat_exchange_rate_date" date;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_vat_exchange_rate_check" CHECK (("vat_exchange_rate" IS NULL) = ("vat_exchange_rate_date" IS NULL) AND ("vat_exchange_rate" IS NULL OR "vat_exchange_rate" > 0));
