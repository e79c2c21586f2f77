-- Approval threshold per currency (#19): ABOVE compared one gross_above with the gross total of the run's largest
-- currency, whatever it was (EUR, USD, JPY). Each currency now has its own threshold in a child table (numeric, exact;
-- one row per currency, so the check below holds per value and approvalReason compares in one join); a currency
-- without a threshold never triggers by amount.
CREATE TABLE "approval_thresholds" (
	"tenant_id" text NOT NULL,
	"currency" char(3) NOT NULL,
	"gross_above" numeric NOT NULL,
	CONSTRAINT "approval_thresholds_pkey" PRIMARY KEY ("tenant_id", "currency"),
	CONSTRAINT "approval_thresholds_amount_check" CHECK (gross_above > 0 AND scale(gross_above) <= currency_exponent(currency))
);
--> statement-breakpoint
ALTER TABLE "approval_thresholds" ADD CONSTRAINT "approval_thresholds_tenant_id_approval_policies_tenant_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."approval_policies"("tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- An existing gross_above carries over to the tenant's default (seller) currency, truncated to its minor unit: a gross
-- total has no more decimals, so "gross > threshold" decides every run the same. A threshold of 0 (any positive total)
-- has no positive equivalent: that policy becomes ALWAYS, which asks for approval at least as often, never less.
INSERT INTO "approval_thresholds" ("tenant_id", "currency", "gross_above")
SELECT p.tenant_id, c.currency, v.gross_above
  FROM "approval_policies" p
  LEFT JOIN "tenant_profiles" tp ON tp.tenant_id = p.tenant_id
  CROSS JOIN LATERAL (SELECT coalesce(tp.default_currency, 'EUR')::char(3) AS currency) c
  CROSS JOIN LATERAL (SELECT CASE WHEN scale(p.gross_above) <= currency_exponent(c.currency) THEN p.gross_above
    ELSE trunc(p.gross_above, currency_exponent(c.currency)) END AS gross_above) v
 WHERE p.gross_above IS NOT NULL AND v.gross_above > 0;--> statement-breakpoint
UPDATE "approval_policies" p SET mode = 'ALWAYS', invoice_count_above = NULL, updated_at = now()
 WHERE p.mode = 'ABOVE' AND p.gross_above IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM "approval_thresholds" t WHERE t.tenant_id = p.tenant_id);--> statement-breakpoint
ALTER TABLE "approval_policies" DROP CONSTRAINT "approval_policies_above_check";--> statement-breakpoint
ALTER TABLE "approval_policies" DROP COLUMN "gross_above";
