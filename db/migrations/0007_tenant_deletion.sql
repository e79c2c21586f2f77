-- Deleting a tenant (its organization row). Most tenant tables cascade from organization; rated items, their claims,
-- invoice lines and invoices (with their VAT breakdown and history) do not: their foreign keys were replaced by
-- statement-level checks (0004–0006), and the guards on charges, accounts and runs refused the cascade while those
-- rows still referenced them, so no tenant with rated items could be deleted. This trigger removes them first, in the
-- same statement, and refuses the whole deletion while the tenant has posted invoices (they are kept: immutable, and
-- subject to legal retention). Documents reference invoices without a cascade, so they go before the invoices.
CREATE OR REPLACE FUNCTION delete_tenant_rows_without_cascade() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  posted bigint;
BEGIN
  SELECT count(*) INTO posted FROM invoices WHERE tenant_id = OLD.id AND status = 'POSTED';
  IF posted > 0 THEN
    RAISE EXCEPTION 'tenant % has % posted invoice(s) and cannot be deleted: posted invoices are kept', OLD.id, posted
      USING ERRCODE = 'restrict_violation';
  END IF;
  DELETE FROM documents WHERE tenant_id = OLD.id;
  DELETE FROM rated_item_claims WHERE tenant_id = OLD.id;
  DELETE FROM invoices WHERE tenant_id = OLD.id;
  DELETE FROM invoice_lines WHERE tenant_id = OLD.id;
  DELETE FROM rated_items WHERE tenant_id = OLD.id;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER organization_delete_tenant_rows BEFORE DELETE ON "organization"
  FOR EACH ROW EXECUTE FUNCTION delete_tenant_rows_without_cascade();
