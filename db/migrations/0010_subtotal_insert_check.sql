-- The VAT breakdown's two insert checks (the invoice is the tenant's; it is not posted) in one probe of the invoice's
-- primary key per distinct invoice. The "not posted" check joined the new rows with the posted invoices, which in a
-- run's chunk (nested loops disabled) became a hash join over every invoice of every tenant: a cost that grew with
-- the table, not with the statement.
CREATE OR REPLACE FUNCTION check_tax_subtotal_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  WITH probed AS MATERIALIZED (
    SELECT d.tenant_id, d.invoice_id,
      (SELECT i.status FROM invoices i WHERE i.id = d.invoice_id AND i.tenant_id = d.tenant_id LIMIT 1) AS status
    FROM (SELECT DISTINCT tenant_id, invoice_id FROM new_rows) d)
  SELECT p.tenant_id, p.invoice_id, p.status INTO bad FROM probed p
    WHERE p.status IS NULL OR p.status = 'POSTED'
    LIMIT 1;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF bad.status IS NULL THEN
    RAISE EXCEPTION '% references invoice % that tenant % does not have', TG_TABLE_NAME, bad.invoice_id, bad.tenant_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RAISE EXCEPTION 'the VAT breakdown of a posted invoice cannot be changed' USING ERRCODE = 'check_violation';
END $$;
--> statement-breakpoint
DROP TRIGGER invoice_tax_subtotals_insert_on_posted ON "invoice_tax_subtotals";
--> statement-breakpoint
DROP TRIGGER invoice_tax_subtotals_references_check ON "invoice_tax_subtotals";
--> statement-breakpoint
DROP FUNCTION forbid_tax_subtotal_insert_on_posted();
--> statement-breakpoint
CREATE TRIGGER invoice_tax_subtotals_insert_check AFTER INSERT ON "invoice_tax_subtotals"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_tax_subtotal_insert();
