-- Corrections of posted invoices by credit note. A correction credit note is an invoice row of type CREDIT_NOTE that
-- belongs to no billing run (billing_run_id and origin_run_id are null) and names the invoice it corrects; its lines are
-- in credit_note_lines. How much of each posted invoice is credited is kept per line and per VAT breakdown row, with
-- CHECKs that make crediting more than the original impossible whatever runs concurrently.
ALTER TABLE "invoices" ALTER COLUMN "billing_run_id" DROP NOT NULL;
--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "origin_run_id" DROP NOT NULL;
--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "corrects_invoice_id" uuid;
--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "credit_reason" text;
--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_run_or_correction_check" CHECK (
  CASE WHEN "corrects_invoice_id" IS NULL
    THEN "billing_run_id" IS NOT NULL AND "origin_run_id" IS NOT NULL AND "credit_reason" IS NULL
    ELSE "billing_run_id" IS NULL AND "origin_run_id" IS NULL AND "type" = 'CREDIT_NOTE'
      AND "credit_reason" IS NOT NULL AND length(btrim("credit_reason")) > 0
  END);
--> statement-breakpoint
CREATE INDEX "invoices_corrects_idx" ON "invoices" USING btree ("corrects_invoice_id") WHERE corrects_invoice_id IS NOT NULL;
--> statement-breakpoint
CREATE TABLE "credit_note_lines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "credit_note_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"credit_note_id" uuid NOT NULL REFERENCES "invoices"("id") ON DELETE CASCADE,
	"invoice_line_id" bigint NOT NULL,
	"description" text NOT NULL,
	"quantity" numeric NOT NULL,
	"unit_price" numeric,
	"amount" numeric NOT NULL,
	"currency" char(3) NOT NULL,
	"vat_category" "vat_category" NOT NULL,
	"vat_rate" numeric(5, 2) NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL
);
--> statement-breakpoint
CREATE INDEX "credit_note_lines_note_idx" ON "credit_note_lines" USING btree ("credit_note_id", "id");
--> statement-breakpoint
CREATE TABLE "invoice_line_credits" (
	"tenant_id" text NOT NULL,
	"invoice_id" uuid NOT NULL REFERENCES "invoices"("id"),
	"invoice_line_id" bigint NOT NULL,
	"line_amount" numeric NOT NULL,
	"credited" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "invoice_line_credits_pkey" PRIMARY KEY ("invoice_id", "invoice_line_id"),
	CONSTRAINT "invoice_line_credits_within_line" CHECK (sign("credited") * sign("line_amount") >= 0 AND abs("credited") <= abs("line_amount"))
);
--> statement-breakpoint
CREATE TABLE "invoice_vat_credits" (
	"tenant_id" text NOT NULL,
	"invoice_id" uuid NOT NULL REFERENCES "invoices"("id"),
	"vat_category" "vat_category" NOT NULL,
	"vat_rate" numeric(5, 2) NOT NULL,
	"taxable_amount" numeric NOT NULL,
	"tax_amount" numeric NOT NULL,
	"credited_taxable" numeric DEFAULT '0' NOT NULL,
	"credited_tax" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "invoice_vat_credits_pkey" PRIMARY KEY ("invoice_id", "vat_category", "vat_rate"),
	CONSTRAINT "invoice_vat_credits_within_breakdown" CHECK (
		sign("credited_taxable") * sign("taxable_amount") >= 0 AND abs("credited_taxable") <= abs("taxable_amount")
		AND sign("credited_tax") * sign("tax_amount") >= 0 AND abs("credited_tax") <= abs("tax_amount"))
);
--> statement-breakpoint
CREATE TABLE "rebilled_items" (
	"tenant_id" text NOT NULL,
	"rated_item_id" bigint NOT NULL,
	"billing_run_id" uuid NOT NULL,
	"credit_note_id" uuid NOT NULL REFERENCES "invoices"("id"),
	CONSTRAINT "rebilled_items_pkey" PRIMARY KEY ("rated_item_id", "billing_run_id")
);
--> statement-breakpoint
CREATE INDEX "rebilled_items_note_idx" ON "rebilled_items" USING btree ("credit_note_id");
--> statement-breakpoint

-- The ledgers are only ever about a posted invoice of the same tenant (never about a credit note), and a correction
-- credit note corrects a posted invoice of its own tenant.
CREATE OR REPLACE FUNCTION check_credit_target() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  -- one function for three tables: the column is read by name (a record's fields are resolved per table)
  target uuid := (to_jsonb(NEW) ->> CASE WHEN TG_TABLE_NAME = 'invoices' THEN 'corrects_invoice_id' ELSE 'invoice_id' END)::uuid;
BEGIN
  IF target IS NULL THEN RETURN NEW; END IF;
  PERFORM 1 FROM invoices i WHERE i.id = target AND i.tenant_id = NEW.tenant_id AND i.status = 'POSTED'
    AND i.corrects_invoice_id IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'invoice % is not a posted invoice of tenant % that can be credited', target, NEW.tenant_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoices_correction_target BEFORE INSERT OR UPDATE OF corrects_invoice_id ON "invoices"
  FOR EACH ROW WHEN (NEW.corrects_invoice_id IS NOT NULL) EXECUTE FUNCTION check_credit_target();
--> statement-breakpoint
CREATE TRIGGER invoice_line_credits_target BEFORE INSERT OR UPDATE OF invoice_id ON "invoice_line_credits"
  FOR EACH ROW EXECUTE FUNCTION check_credit_target();
--> statement-breakpoint
CREATE TRIGGER invoice_vat_credits_target BEFORE INSERT OR UPDATE OF invoice_id ON "invoice_vat_credits"
  FOR EACH ROW EXECUTE FUNCTION check_credit_target();
--> statement-breakpoint

-- The lines of a posted credit note never change, like a posted invoice's.
CREATE OR REPLACE FUNCTION forbid_posted_credit_note_line_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  target uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.credit_note_id ELSE OLD.credit_note_id END;
BEGIN
  IF EXISTS (SELECT 1 FROM invoices WHERE id = target AND status = 'POSTED') THEN
    RAISE EXCEPTION 'lines of a posted credit note cannot be changed' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER credit_note_lines_immutable_when_posted BEFORE INSERT OR UPDATE OR DELETE ON "credit_note_lines"
  FOR EACH ROW EXECUTE FUNCTION forbid_posted_credit_note_line_change();
--> statement-breakpoint

-- Invoices of a run reference runs of their tenant (0006); a correction credit note references none.
CREATE OR REPLACE FUNCTION check_invoice_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT n.tenant_id, n.run_id INTO bad
    FROM (SELECT tenant_id, billing_run_id AS run_id FROM new_invoices UNION SELECT tenant_id, origin_run_id FROM new_invoices) n
    WHERE n.run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM billing_runs r WHERE r.id = n.run_id AND r.tenant_id = n.tenant_id)
    LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'invoice references billing run % that tenant % does not have', bad.run_id, bad.tenant_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  -- one probe of the account's primary key per invoice (the LIMIT keeps it a probe where nested loops are disabled)
  SELECT n.tenant_id, n.account_id INTO bad FROM new_invoices n
    WHERE (SELECT true FROM customer_accounts a WHERE a.id = n.account_id AND a.tenant_id = n.tenant_id LIMIT 1) IS NULL
    LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'invoice references account % that tenant % does not have', bad.account_id, bad.tenant_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

-- Correct and re-bill: the claim of an item billed on a posted invoice may go only when a posted correction of that
-- invoice released it (rebilled_items); otherwise an item stays billed at most once (0005).
CREATE OR REPLACE FUNCTION forbid_posted_claim_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM rated_items r
             JOIN invoices i ON i.origin_run_id = OLD.billing_run_id AND i.account_id = r.account_id
             WHERE r.id = OLD.rated_item_id AND i.status = 'POSTED')
     AND NOT EXISTS (SELECT 1 FROM rebilled_items x JOIN invoices cn ON cn.id = x.credit_note_id AND cn.status = 'POSTED'
                     WHERE x.rated_item_id = OLD.rated_item_id AND x.billing_run_id = OLD.billing_run_id) THEN
    RAISE EXCEPTION 'rated item % is billed on a posted invoice', OLD.rated_item_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END $$;
