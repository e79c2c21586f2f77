-- A rated item's kind and the sign of its amount agree: credits, discounts and refunds are negative, charges are not.
-- NOT VALID: items stored before had no kind from the API (a NULL kind still means "by sign"); every new or changed
-- row is checked, and the table is not scanned under lock.
ALTER TABLE "rated_items" ADD CONSTRAINT "rated_items_kind_sign_check" CHECK ("kind" IS NULL OR ("kind" = 'CHARGE') = ("amount" >= 0)) NOT VALID;--> statement-breakpoint
-- The invoice PDF lists the items behind this charge's lines in an annex (up to a limit per invoice).
ALTER TABLE "charges" ADD COLUMN "usage_annex" boolean DEFAULT false NOT NULL;
