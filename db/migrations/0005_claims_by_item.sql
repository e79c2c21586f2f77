-- A claim records which run holds a rated item; it no longer names the invoice line. Claiming a million items wrote
-- a million entries into an index by line besides the primary key, and the lines stage had to join every item back
-- to its line to know the line id. A run's items of an account are found through rated_items' (tenant, account)
-- index and the claims' primary key.

DROP VIEW "rated_item_states";
--> statement-breakpoint
DROP INDEX "rated_item_claims_line_idx";--> statement-breakpoint
ALTER TABLE "rated_item_claims" DROP COLUMN "invoice_line_id";
--> statement-breakpoint

-- Claims of items on posted invoices cannot be removed (an item is billed at most once).
CREATE OR REPLACE FUNCTION forbid_posted_claim_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM rated_items r
             JOIN invoices i ON i.origin_run_id = OLD.billing_run_id AND i.account_id = r.account_id
             WHERE r.id = OLD.rated_item_id AND i.status = 'POSTED') THEN
    RAISE EXCEPTION 'rated item % is billed on a posted invoice', OLD.rated_item_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint

-- Effective status of a rated item: BILLED once the invoice of its claiming run for its account is posted.
CREATE VIEW "rated_item_states" AS
  SELECT r.id, r.tenant_id, r.account_id, c.billing_run_id,
    CASE
      WHEN r.status = 'CANCELED' THEN 'CANCELED'
      WHEN i.status = 'POSTED' THEN 'BILLED'
      ELSE 'OPEN'
    END::rated_item_status AS status
  FROM rated_items r
  LEFT JOIN rated_item_claims c ON c.rated_item_id = r.id
  LEFT JOIN invoices i ON i.origin_run_id = c.billing_run_id AND i.account_id = r.account_id;
