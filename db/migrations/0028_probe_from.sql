-- Late usage without re-reading what is billed (#22). An item dated before its account's mark (usage that arrives
-- after the run of its period) lowers open_from, and the lines stage read the account's items from there: every item
-- already billed between that date and the previous cut-off was fetched again and checked against the claims.
-- probe_from keeps, per account, the earliest usage date an unclaimed OPEN item at or below claimed_through may have:
--   raised  to the cut-off by the lines chunk that claimed the account's items in full (with open_from);
--   lowered to open_from by a filtered run (it leaves items below the ids it claims open), and to the item's date by
--           re-opening claimed items and by inserting or re-dating an item at or below claimed_through (an insert that
--           raced a chunk, a correction of an old item).
-- The lines stage reads from probe_from every item (probing the claims for those at or below claimed_through) and,
-- from open_from to probe_from, only the items above claimed_through: the item index now ends with the id, so the
-- items already billed are skipped inside the index, never fetched.
DROP INDEX "rated_items_tenant_account_date_idx";--> statement-breakpoint
CREATE INDEX "rated_items_tenant_account_date_id_idx" ON "rated_items" USING btree ("tenant_id","account_id","usage_date","id");--> statement-breakpoint
ALTER TABLE "account_item_marks" ADD COLUMN "probe_from" date DEFAULT 'infinity' NOT NULL;--> statement-breakpoint
-- Existing marks: no unclaimed open item is dated before open_from, so open_from is a safe start for the probes.
UPDATE "account_item_marks" SET probe_from = open_from WHERE claimed_through IS NOT NULL;--> statement-breakpoint
-- Inserted or re-dated open items lower open_from as before, and probe_from where one of them is at or below
-- claimed_through (to the earliest date among the account's changed items: never too high). The lock is unchanged.
CREATE OR REPLACE FUNCTION lower_account_item_marks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM account_item_marks m
    WHERE (m.tenant_id, m.account_id) IN (SELECT DISTINCT n.tenant_id, n.account_id FROM changed_items n WHERE n.status = 'OPEN')
    ORDER BY m.tenant_id, m.account_id FOR KEY SHARE;
  UPDATE account_item_marks m SET open_from = LEAST(m.open_from, n.first),
      probe_from = CASE WHEN n.lowest_id <= m.claimed_through THEN LEAST(m.probe_from, n.first) ELSE m.probe_from END
    FROM (SELECT tenant_id, account_id, min(usage_date) AS first, min(id) AS lowest_id
          FROM changed_items WHERE status = 'OPEN' GROUP BY tenant_id, account_id) n
    WHERE m.tenant_id = n.tenant_id AND m.account_id = n.account_id
      AND (m.open_from > n.first OR (n.lowest_id <= m.claimed_through AND m.probe_from > n.first));
  RETURN NULL;
END $$;
