ALTER TABLE "invoice_status_history" DROP CONSTRAINT "invoice_status_history_invoice_id_invoices_id_fk";
--> statement-breakpoint
ALTER TABLE "invoice_tax_subtotals" DROP CONSTRAINT "invoice_tax_subtotals_invoice_id_invoices_id_fk";
--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_tenant_id_organization_id_fk";
--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_billing_run_id_billing_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_origin_run_id_billing_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_account_id_customer_accounts_id_fk";
--> statement-breakpoint

-- Invoices reference two runs (the current one and the one that created them) and an account of their own tenant;
-- their VAT breakdown and status history reference an invoice of the same tenant. Row-level foreign keys checked
-- that with six trigger calls per invoice (about a third of creating 25,000 drafts); the same rules are now checked
-- once per INSERT statement over its transition table, on any change of those columns, and when a referenced run or
-- account is removed. Like rated items' references (0004), the rare statement that removes a referenced key locks
-- the referencing table in SHARE mode before it checks, so it sees every committed and in-flight reference.
CREATE OR REPLACE FUNCTION check_invoice_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT n.tenant_id, n.run_id INTO bad
    FROM (SELECT tenant_id, billing_run_id AS run_id FROM new_invoices UNION SELECT tenant_id, origin_run_id FROM new_invoices) n
    WHERE NOT EXISTS (SELECT 1 FROM billing_runs r WHERE r.id = n.run_id AND r.tenant_id = n.tenant_id)
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
CREATE TRIGGER invoices_references_check AFTER INSERT ON "invoices"
  REFERENCING NEW TABLE AS new_invoices FOR EACH STATEMENT EXECUTE FUNCTION check_invoice_references();
--> statement-breakpoint

-- An invoice keeps its tenant, account and origin run; it may move to another run of its tenant (quarantine).
CREATE OR REPLACE FUNCTION check_invoice_reference_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.tenant_id, NEW.account_id, NEW.origin_run_id) IS DISTINCT FROM (OLD.tenant_id, OLD.account_id, OLD.origin_run_id) THEN
    RAISE EXCEPTION 'the tenant, account and origin run of invoice % cannot be changed', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  -- FOR KEY SHARE, as a foreign key would: the run cannot be removed before this transaction ends
  PERFORM 1 FROM billing_runs r WHERE r.id = NEW.billing_run_id AND r.tenant_id = NEW.tenant_id FOR KEY SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'invoice % cannot move to billing run %, which tenant % does not have', OLD.id, NEW.billing_run_id, NEW.tenant_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoices_references_change BEFORE UPDATE OF tenant_id, account_id, billing_run_id, origin_run_id ON "invoices"
  FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.account_id IS DISTINCT FROM NEW.account_id
    OR OLD.billing_run_id IS DISTINCT FROM NEW.billing_run_id OR OLD.origin_run_id IS DISTINCT FROM NEW.origin_run_id)
  EXECUTE FUNCTION check_invoice_reference_change();
--> statement-breakpoint

-- One guard for every key that rows elsewhere reference without a foreign key: TG_ARGV lists the referencing
-- 'table.column's (e.g. 'invoices.account_id'). Replaces 0004's guard for rated items, which now shares it.
CREATE OR REPLACE FUNCTION forbid_removing_referenced_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  removed boolean;
  ref text;
  hit record;
BEGIN
  -- updates that keep their keys (the common UPDATE) neither lock nor look at the referencing tables
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM %I k WHERE k.tenant_id = o.tenant_id AND k.id = o.id))',
    TG_TABLE_NAME) INTO removed;
  IF NOT removed THEN RETURN NULL; END IF;
  FOREACH ref IN ARRAY TG_ARGV LOOP
    EXECUTE format('LOCK TABLE %I IN SHARE MODE', split_part(ref, '.', 1));
    EXECUTE format(
      'WITH gone AS MATERIALIZED (
         SELECT o.tenant_id, o.id FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM %I k WHERE k.tenant_id = o.tenant_id AND k.id = o.id))
       SELECT g.tenant_id, g.id FROM gone g WHERE EXISTS (SELECT 1 FROM %I x WHERE x.tenant_id = g.tenant_id AND x.%I = g.id) LIMIT 1',
      TG_TABLE_NAME, split_part(ref, '.', 1), split_part(ref, '.', 2)) INTO hit;
    IF hit IS NOT NULL THEN
      RAISE EXCEPTION '% % of tenant % is referenced by %', TG_TABLE_NAME, hit.id, hit.tenant_id, replace(split_part(ref, '.', 1), '_', ' ')
        USING ERRCODE = 'foreign_key_violation';
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER customer_accounts_referenced_by_items_delete ON "customer_accounts";
--> statement-breakpoint
DROP TRIGGER customer_accounts_referenced_by_items_update ON "customer_accounts";
--> statement-breakpoint
DROP TRIGGER subscriptions_referenced_by_items_delete ON "subscriptions";
--> statement-breakpoint
DROP TRIGGER subscriptions_referenced_by_items_update ON "subscriptions";
--> statement-breakpoint
DROP TRIGGER charges_referenced_by_items_delete ON "charges";
--> statement-breakpoint
DROP TRIGGER charges_referenced_by_items_update ON "charges";
--> statement-breakpoint
DROP FUNCTION forbid_removing_referenced_by_items();
--> statement-breakpoint
CREATE TRIGGER customer_accounts_referenced_delete AFTER DELETE ON "customer_accounts" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_removing_referenced_keys('invoices.account_id', 'rated_items.account_id');
--> statement-breakpoint
CREATE TRIGGER customer_accounts_referenced_update AFTER UPDATE ON "customer_accounts" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_removing_referenced_keys('invoices.account_id', 'rated_items.account_id');
--> statement-breakpoint
CREATE TRIGGER subscriptions_referenced_delete AFTER DELETE ON "subscriptions" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_removing_referenced_keys('rated_items.subscription_id');
--> statement-breakpoint
CREATE TRIGGER subscriptions_referenced_update AFTER UPDATE ON "subscriptions" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_removing_referenced_keys('rated_items.subscription_id');
--> statement-breakpoint
CREATE TRIGGER charges_referenced_delete AFTER DELETE ON "charges" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_removing_referenced_keys('rated_items.charge_id');
--> statement-breakpoint
CREATE TRIGGER charges_referenced_update AFTER UPDATE ON "charges" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_removing_referenced_keys('rated_items.charge_id');
--> statement-breakpoint
CREATE TRIGGER billing_runs_referenced_delete AFTER DELETE ON "billing_runs" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_removing_referenced_keys('invoices.billing_run_id', 'invoices.origin_run_id');
--> statement-breakpoint

-- Keys that never change, refused with one message. TG_ARGV[0] names them.
CREATE OR REPLACE FUNCTION forbid_key_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the % of a % row cannot be changed', TG_ARGV[0], TG_TABLE_NAME USING ERRCODE = 'check_violation';
END $$;
--> statement-breakpoint
-- A run's identity never changes (its status and counters are updated all the time: no statement trigger there).
CREATE TRIGGER billing_runs_key_fixed BEFORE UPDATE OF id, tenant_id ON "billing_runs"
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
  EXECUTE FUNCTION forbid_key_change('id and tenant');
--> statement-breakpoint

-- The VAT breakdown and the status history belong to an invoice of their own tenant, and stay with it.
CREATE OR REPLACE FUNCTION check_invoice_child_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT n.tenant_id, n.invoice_id INTO bad FROM (SELECT DISTINCT tenant_id, invoice_id FROM new_rows) n
    WHERE (SELECT true FROM invoices i WHERE i.id = n.invoice_id AND i.tenant_id = n.tenant_id LIMIT 1) IS NULL
    LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '% references invoice % that tenant % does not have', TG_TABLE_NAME, bad.invoice_id, bad.tenant_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoice_tax_subtotals_references_check AFTER INSERT ON "invoice_tax_subtotals"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_invoice_child_references();
--> statement-breakpoint
CREATE TRIGGER invoice_status_history_references_check AFTER INSERT ON "invoice_status_history"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_invoice_child_references();
--> statement-breakpoint
CREATE TRIGGER invoice_tax_subtotals_invoice_fixed BEFORE UPDATE OF invoice_id, tenant_id ON "invoice_tax_subtotals"
  FOR EACH ROW WHEN (OLD.invoice_id IS DISTINCT FROM NEW.invoice_id OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
  EXECUTE FUNCTION forbid_key_change('invoice and tenant');
--> statement-breakpoint
CREATE TRIGGER invoice_status_history_invoice_fixed BEFORE UPDATE OF invoice_id, tenant_id ON "invoice_status_history"
  FOR EACH ROW WHEN (OLD.invoice_id IS DISTINCT FROM NEW.invoice_id OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
  EXECUTE FUNCTION forbid_key_change('invoice and tenant');
--> statement-breakpoint

-- Deleting an invoice that is not posted (posted ones cannot be deleted) takes its VAT breakdown and history with it,
-- as ON DELETE CASCADE did; concurrent inserts of such rows finish first (SHARE) and are deleted too, later ones
-- find the invoice gone.
CREATE OR REPLACE FUNCTION delete_invoice_children() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE invoice_tax_subtotals, invoice_status_history IN SHARE MODE;
  DELETE FROM invoice_tax_subtotals s USING old_invoices o WHERE s.invoice_id = o.id;
  DELETE FROM invoice_status_history h USING old_invoices o WHERE h.invoice_id = o.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoices_delete_children AFTER DELETE ON "invoices"
  REFERENCING OLD TABLE AS old_invoices FOR EACH STATEMENT EXECUTE FUNCTION delete_invoice_children();
