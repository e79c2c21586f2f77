-- Per-account "open from" watermark: every OPEN rated item of the account that no run has claimed has a usage date on
-- or after open_from. The lines stage reads an account's items from its mark up to the run's cut-off (an index range
-- of rated_items' (tenant, account, usage date) index) instead of every item the account ever had, so a run's cost no
-- longer grows with the months already billed. 'infinity': the account has no unclaimed open item.
--   raised  by the lines stage to the run's cut-off for the accounts whose items it claimed in full (runs filtered
--           by subscription or charge type never raise it; accounts failing the stage keep it);
--   lowered by every insert or re-dating of open items (trigger below) and by re-opening claimed items (REOPEN).
-- The chunk locks its accounts' marks (FOR UPDATE, in account order) before it reads their items; an item insert
-- takes FOR KEY SHARE on its accounts' marks before it lowers them, so either the insert commits first and the chunk's
-- scan sees the item, or the chunk commits first and the insert lowers the raised mark.
CREATE TABLE "account_item_marks" (
	"tenant_id" text NOT NULL,
	"account_id" uuid NOT NULL,
	"open_from" date DEFAULT 'infinity' NOT NULL,
	-- tenant first: a chunk reads and locks its tenant's range of account ids
	CONSTRAINT "account_item_marks_pkey" PRIMARY KEY ("tenant_id","account_id"),
	CONSTRAINT "account_item_marks_account_fk" FOREIGN KEY ("tenant_id","account_id")
	  REFERENCES "public"."customer_accounts"("tenant_id","id") ON DELETE cascade ON UPDATE no action
);
--> statement-breakpoint
-- Marks of the existing accounts: the earliest unclaimed open item, if any.
INSERT INTO "account_item_marks" (tenant_id, account_id, open_from)
SELECT a.tenant_id, a.id, coalesce(
    (SELECT min(r.usage_date) FROM rated_items r
     WHERE r.tenant_id = a.tenant_id AND r.account_id = a.id AND r.status = 'OPEN'
       AND NOT EXISTS (SELECT 1 FROM rated_item_claims c WHERE c.rated_item_id = r.id)),
    'infinity'::date)
FROM customer_accounts a;
--> statement-breakpoint
-- Every account has its mark from the start (a chunk must be able to lock it before any item exists).
CREATE OR REPLACE FUNCTION create_account_item_marks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_item_marks (tenant_id, account_id) SELECT tenant_id, id FROM new_accounts ORDER BY tenant_id, id
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER customer_accounts_item_marks AFTER INSERT ON "customer_accounts"
  REFERENCING NEW TABLE AS new_accounts FOR EACH STATEMENT EXECUTE FUNCTION create_account_item_marks();
--> statement-breakpoint
-- Open items inserted or re-dated lower their accounts' marks. Once per statement, over its distinct accounts. The
-- lock waits for a chunk that is claiming these accounts; the UPDATE that follows (a new snapshot) then sees the mark
-- it raised. Without the lock an insert could read the old mark, find nothing to lower, and commit after the chunk
-- raised the mark past its item.
CREATE OR REPLACE FUNCTION lower_account_item_marks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM account_item_marks m
    WHERE (m.tenant_id, m.account_id) IN (SELECT DISTINCT n.tenant_id, n.account_id FROM changed_items n WHERE n.status = 'OPEN')
    ORDER BY m.tenant_id, m.account_id FOR KEY SHARE;
  UPDATE account_item_marks m SET open_from = n.first
    FROM (SELECT tenant_id, account_id, min(usage_date) AS first FROM changed_items WHERE status = 'OPEN' GROUP BY tenant_id, account_id) n
    WHERE m.tenant_id = n.tenant_id AND m.account_id = n.account_id AND m.open_from > n.first;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER rated_items_lower_marks_insert AFTER INSERT ON "rated_items"
  REFERENCING NEW TABLE AS changed_items FOR EACH STATEMENT EXECUTE FUNCTION lower_account_item_marks();
--> statement-breakpoint
CREATE TRIGGER rated_items_lower_marks_update AFTER UPDATE ON "rated_items"
  REFERENCING NEW TABLE AS changed_items FOR EACH STATEMENT EXECUTE FUNCTION lower_account_item_marks();
