-- The claims probe of the lines stage only where a claim can be (#22). Each month's new items lower the account's mark
-- below items already billed (late usage), and every item the scan reads was checked against the claims' primary key:
-- one index descent per item, through an index that grows by a month of claims each month. Item ids only grow, and
-- an item with an id above the highest one ever claimed for its account cannot be claimed. Maintained by the lines
-- stage with the claims it inserts, in the same statement and under the chunk's lock on the mark; never lowered
-- (a re-opened item's claim is gone, so probing it costs a probe, nothing more). NULL: no claim for the account yet.
ALTER TABLE "account_item_marks" ADD COLUMN "claimed_through" bigint;--> statement-breakpoint
UPDATE "account_item_marks" m SET claimed_through = c.last_id
FROM (SELECT r.tenant_id, r.account_id, max(r.id) AS last_id
      FROM rated_item_claims c JOIN rated_items r ON r.id = c.rated_item_id
      GROUP BY r.tenant_id, r.account_id) c
WHERE m.tenant_id = c.tenant_id AND m.account_id = c.account_id;
