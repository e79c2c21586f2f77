-- Invariants the database enforces itself (not only the code).

ALTER TABLE "member" ADD CONSTRAINT "member_role_check" CHECK ("role" IN ('owner', 'admin', 'operator', 'viewer'));
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_role_check" CHECK ("role" IN ('admin', 'operator', 'viewer'));
--> statement-breakpoint
ALTER TABLE "rated_items" ADD CONSTRAINT "rated_items_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_posted_number_check"
  CHECK (("status" = 'POSTED') = ("number" IS NOT NULL AND "posted_at" IS NOT NULL));
--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_totals_check" CHECK ("gross_total" = "net_total" + "tax_total");
--> statement-breakpoint
ALTER TABLE "number_sequences" ADD CONSTRAINT "number_sequences_kind_check" CHECK ("kind" IN ('INVOICE', 'CREDIT_NOTE', 'BILLING_RUN'));
--> statement-breakpoint

-- ISO 4217 minor-unit exponent; amounts are rounded half-up to it once per invoice line.
CREATE OR REPLACE FUNCTION currency_exponent(code text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN code IN ('BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF','UGX','UYI','VND','VUV','XAF','XOF','XPF') THEN 0
    WHEN code IN ('BHD','IQD','JOD','KWD','LYD','OMR','TND') THEN 3
    WHEN code IN ('CLF','UYW') THEN 4
    ELSE 2
  END
$$;
--> statement-breakpoint

-- Posted invoices are immutable: no update, no delete, and their lines, VAT breakdown and documents neither.
CREATE OR REPLACE FUNCTION forbid_posted_invoice_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'POSTED' THEN
    RAISE EXCEPTION 'invoice % is posted and cannot be changed', OLD.number USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoices_immutable_when_posted BEFORE UPDATE OR DELETE ON "invoices"
  FOR EACH ROW EXECUTE FUNCTION forbid_posted_invoice_change();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION forbid_posted_invoice_line_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  target invoice_lines := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
BEGIN
  IF EXISTS (SELECT 1 FROM invoices WHERE origin_run_id = target.billing_run_id
             AND account_id = target.account_id AND status = 'POSTED') THEN
    RAISE EXCEPTION 'lines of a posted invoice cannot be changed' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoice_lines_immutable_when_posted BEFORE UPDATE OR DELETE ON "invoice_lines"
  FOR EACH ROW EXECUTE FUNCTION forbid_posted_invoice_line_change();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION forbid_posted_tax_subtotal_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  target uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.invoice_id ELSE OLD.invoice_id END;
BEGIN
  IF EXISTS (SELECT 1 FROM invoices WHERE id = target AND status = 'POSTED') THEN
    RAISE EXCEPTION 'the VAT breakdown of a posted invoice cannot be changed' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoice_tax_subtotals_immutable_when_posted BEFORE INSERT OR UPDATE OR DELETE ON "invoice_tax_subtotals"
  FOR EACH ROW EXECUTE FUNCTION forbid_posted_tax_subtotal_change();
--> statement-breakpoint

-- Stored documents never change; they are only deleted with a non-posted invoice.
CREATE OR REPLACE FUNCTION forbid_document_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'stored documents cannot be changed' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM invoices WHERE id = OLD.invoice_id AND status = 'POSTED') THEN
    RAISE EXCEPTION 'documents of a posted invoice cannot be deleted' USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER documents_immutable BEFORE UPDATE OR DELETE ON "documents"
  FOR EACH ROW EXECUTE FUNCTION forbid_document_change();
--> statement-breakpoint

-- Claims of items on posted invoices cannot be removed (an item is billed at most once).
CREATE OR REPLACE FUNCTION forbid_posted_claim_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM invoice_lines l
             JOIN invoices i ON i.origin_run_id = l.billing_run_id AND i.account_id = l.account_id
             WHERE l.id = OLD.invoice_line_id AND i.status = 'POSTED') THEN
    RAISE EXCEPTION 'rated item % is billed on a posted invoice', OLD.rated_item_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER rated_item_claims_keep_posted BEFORE DELETE ON "rated_item_claims"
  FOR EACH ROW EXECUTE FUNCTION forbid_posted_claim_delete();
--> statement-breakpoint

-- Effective status of a rated item: BILLED once the invoice its claim belongs to is posted.
CREATE VIEW "rated_item_states" AS
  SELECT r.id, r.tenant_id, r.account_id, c.billing_run_id,
    CASE
      WHEN r.status = 'CANCELED' THEN 'CANCELED'
      WHEN i.status = 'POSTED' THEN 'BILLED'
      ELSE 'OPEN'
    END::rated_item_status AS status
  FROM rated_items r
  LEFT JOIN rated_item_claims c ON c.rated_item_id = r.id
  LEFT JOIN invoice_lines l ON l.id = c.invoice_line_id
  LEFT JOIN invoices i ON i.origin_run_id = l.billing_run_id AND i.account_id = l.account_id;
