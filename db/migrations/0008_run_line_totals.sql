ALTER TABLE "billing_runs" ADD COLUMN "line_totals" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- Sums two per-currency totals documents ({"EUR": {"net": "…", "tax": "…", "gross": "…"}}) in numeric: the run's
-- line counters are kept up to date chunk by chunk instead of being recomputed from all its lines at every step.
CREATE OR REPLACE FUNCTION add_run_totals(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(currency, jsonb_build_object('net', net::text, 'tax', tax::text, 'gross', (net + tax)::text)), '{}'::jsonb)
  FROM (
    SELECT key AS currency, sum((value ->> 'net')::numeric) AS net, sum((value ->> 'tax')::numeric) AS tax
    FROM (SELECT * FROM jsonb_each(coalesce(a, '{}'::jsonb)) UNION ALL SELECT * FROM jsonb_each(coalesce(b, '{}'::jsonb))) e
    GROUP BY key
  ) s
$$;
--> statement-breakpoint
-- Existing runs: their lines' totals, as the counters refresh computed them (VAT rounded per account and rate).
UPDATE billing_runs b SET line_totals = coalesce((
  SELECT jsonb_object_agg(currency, jsonb_build_object('net', net::text, 'tax', tax::text, 'gross', (net + tax)::text))
  FROM (
    SELECT currency, sum(net) AS net, sum(tax) AS tax
    FROM (
      SELECT l.currency, sum(l.amount) AS net, round(sum(l.amount) * l.vat_rate / 100, currency_exponent(l.currency)) AS tax
      FROM invoice_lines l WHERE l.billing_run_id = b.id
      GROUP BY l.account_id, l.currency, l.vat_category, l.vat_rate
    ) per_rate
    GROUP BY currency
  ) per_currency), '{}'::jsonb)
WHERE b.type <> 'QUARANTINE';
