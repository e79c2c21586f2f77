-- The VAT ids of the member states where a tenant is registered for VAT itself (Settings → Tax). The determination
-- reads the countries from tenant_profiles.vat_registrations; the tax settings service writes both in one transaction.
CREATE TABLE "tenant_vat_registrations" (
	"tenant_id" text NOT NULL,
	"country" char(2) NOT NULL,
	"vat_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_vat_registrations_tenant_id_country_pk" PRIMARY KEY("tenant_id","country"),
	CONSTRAINT "tenant_vat_registrations_country_check" CHECK ("country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "tenant_vat_registrations_vat_id_check" CHECK (length(btrim("vat_id")) BETWEEN 4 AND 20)
);
--> statement-breakpoint
ALTER TABLE "tenant_vat_registrations" ADD CONSTRAINT "tenant_vat_registrations_tenant_id_organization_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;
