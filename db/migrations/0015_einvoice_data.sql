CREATE TYPE "public"."einvoice_format" AS ENUM('NONE', 'PEPPOL', 'XRECHNUNG', 'FACTURX');--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "contact_name" text;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "contact_phone" text;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "contact_email" text;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "electronic_address_scheme" text;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "electronic_address" text;--> statement-breakpoint
ALTER TABLE "tenant_profiles" ADD COLUMN "vat_accounting_currency" char(3);--> statement-breakpoint
ALTER TABLE "customer_accounts" ADD COLUMN "buyer_reference" text;--> statement-breakpoint
ALTER TABLE "customer_accounts" ADD COLUMN "purchase_order_reference" text;--> statement-breakpoint
ALTER TABLE "customer_accounts" ADD COLUMN "einvoice_format" "einvoice_format" DEFAULT 'NONE' NOT NULL;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "buyer_reference" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "purchase_order_reference" text;--> statement-breakpoint
ALTER TABLE "billing_runs" ADD COLUMN "buyer_reference" text;--> statement-breakpoint
ALTER TABLE "billing_runs" ADD COLUMN "purchase_order_reference" text;--> statement-breakpoint
CREATE TABLE "exchange_rates" (
	"tenant_id" text NOT NULL,
	"currency" char(3) NOT NULL,
	"rate_date" date NOT NULL,
	"rate" numeric NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_rates_tenant_id_currency_rate_date_pk" PRIMARY KEY("tenant_id","currency","rate_date"),
	CONSTRAINT "exchange_rates_rate_positive" CHECK ("rate" > 0)
);
--> statement-breakpoint
ALTER TABLE "exchange_rates" ADD CONSTRAINT "exchange_rates_tenant_id_organization_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;
