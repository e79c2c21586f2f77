-- The floor: the same work as an AUTO_POST run (claim + lines, drafts + VAT breakdown + rules, posting with
-- gapless numbers + history), hand-written as a few set-based statements in one transaction, no chunks.
-- Parameters (psql-style, substituted by bench/run-bench.ts): :tenant, :run, :cycle, :cutoff, :invoice_date, :work_mem

-- the same session settings as the engine's chunks (engineOptions.workMem, no JIT)
SET LOCAL work_mem = :work_mem;
SET LOCAL jit = off;

WITH elig AS MATERIALIZED (
  SELECT r.id, r.account_id, r.charge_id, r.currency, r.quantity, r.unit_price, r.amount, r.usage_date,
    (CASE WHEN r.amount < 0 THEN 'CREDIT' ELSE 'CHARGE' END)::line_kind AS kind, CASE WHEN r.amount < 0 THEN r.description END AS item_desc
  FROM rated_items r JOIN customer_accounts a ON a.id = r.account_id
  WHERE r.tenant_id = :tenant AND r.status = 'OPEN' AND r.usage_date < :cutoff::date AND a.billing_cycle_id = :cycle::uuid
    AND NOT EXISTS (SELECT 1 FROM rated_item_claims c WHERE c.rated_item_id = r.id)
), g AS MATERIALIZED (
  SELECT nextval('invoice_lines_id_seq'::regclass) AS line_id, account_id, charge_id, currency, kind, sum(quantity) AS quantity,
    CASE WHEN count(item_desc) = count(*) AND min(item_desc) = max(item_desc) THEN min(item_desc) END AS item_description,
    round(sum(amount), currency_exponent(currency)) AS amount, min(unit_price) AS min_price, max(unit_price) AS max_price,
    min(usage_date) AS period_start, max(usage_date) AS period_end, count(*)::int AS n
  FROM elig GROUP BY account_id, charge_id, currency, kind ORDER BY account_id
), lines AS (
  INSERT INTO invoice_lines (id, tenant_id, billing_run_id, account_id, charge_id, description, quantity, unit_price, amount, currency,
    vat_category, vat_rate, vat_exemption_code, vat_exemption_reason, kind, item_description, period_start, period_end, items_count)
    OVERRIDING SYSTEM VALUE
  SELECT g.line_id, :tenant, :run::uuid, g.account_id, g.charge_id,
    CASE WHEN g.kind <> 'CHARGE' THEN coalesce(g.item_description, 'Credit: ' || ch.label) ELSE ch.label END, g.quantity,
    CASE WHEN g.min_price = g.max_price THEN g.min_price END, g.amount, g.currency,
    v.cat::vat_category, CASE WHEN v.cat = 'S' THEN coalesce(r.rate, ch.vat_rate) ELSE 0 END,
    CASE v.cat WHEN 'E' THEN ch.vat_exemption_code WHEN 'AE' THEN 'VATEX-EU-AE' WHEN 'O' THEN 'VATEX-EU-O' END,
    CASE v.cat WHEN 'E' THEN ch.vat_exemption_reason WHEN 'AE' THEN 'Reverse charge — Article 196 of Council Directive 2006/112/EC'
      WHEN 'O' THEN 'Not subject to VAT in the EU — place of supply outside the EU VAT area' END,
    g.kind, g.item_description, g.period_start, g.period_end, g.n
  FROM g JOIN charges ch ON ch.id = g.charge_id JOIN customer_accounts a ON a.id = g.account_id
  -- VAT by hand for a German seller without OSS and the bench's buyers and tax classes (services only)
  CROSS JOIN LATERAL (SELECT CASE
      WHEN ch.tax_class = 'EXEMPT' THEN 'E'
      WHEN a.country = 'DE' THEN 'S'
      WHEN a.country NOT IN ('AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
        'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK') THEN 'O'
      WHEN a.customer_type = 'BUSINESS' AND upper(regexp_replace(a.vat_id, '[[:space:].-]', '', 'g')) ~ (CASE a.country
        WHEN 'FR' THEN '^FR[0-9A-HJ-NP-Z]{2}[0-9]{9}$' WHEN 'NL' THEN '^NL[0-9]{9}B[0-9]{2}$'
        WHEN 'ES' THEN '^ES[0-9A-Z][0-9]{7}[0-9A-Z]$' WHEN 'IT' THEN '^IT[0-9]{11}$' ELSE '^$' END) THEN 'AE'
      ELSE 'S' END AS cat) v
  LEFT JOIN (SELECT DISTINCT ON (country) country, rate FROM vat_rates
    WHERE tenant_id IS NULL AND rate_type = 'STANDARD' AND valid_from <= :invoice_date::date ORDER BY country, valid_from DESC) r
    ON r.country = 'DE'
  ORDER BY g.line_id RETURNING 1
), claims AS (
  INSERT INTO rated_item_claims (rated_item_id, tenant_id, billing_run_id)
  SELECT e.id, :tenant, :run::uuid FROM elig e ORDER BY e.id RETURNING 1
)
SELECT (SELECT count(*) FROM lines) AS lines, (SELECT count(*) FROM claims) AS claims;

WITH bd AS MATERIALIZED (
  SELECT l.account_id, l.vat_category, l.vat_rate, min(l.currency) AS currency, sum(l.amount) AS taxable,
    round(sum(l.amount) * l.vat_rate / 100, currency_exponent(min(l.currency))) AS tax, count(*) AS n,
    max(l.vat_exemption_reason) AS reason, max(l.vat_exemption_code) AS code
  FROM invoice_lines l WHERE l.billing_run_id = :run::uuid GROUP BY l.account_id, l.vat_category, l.vat_rate
), t AS (
  SELECT account_id, min(currency) AS currency, sum(taxable) AS net, sum(tax) AS tax, sum(n)::int AS lines FROM bd GROUP BY account_id
), ins AS (
  INSERT INTO invoices (tenant_id, billing_run_id, origin_run_id, account_id, type, status, reason, currency, invoice_date, due_date,
    net_total, tax_total, gross_total, lines_count, buyer)
  SELECT :tenant, :run::uuid, :run::uuid, t.account_id, (CASE WHEN t.net < 0 THEN 'CREDIT_NOTE' ELSE 'INVOICE' END)::invoice_type,
    (CASE WHEN a.address_line IS NULL OR a.city IS NULL OR a.postal_code IS NULL OR a.country IS NULL THEN 'REJECTED'
          WHEN abs(t.net + t.tax) > 10000 OR t.net = 0
            OR (prev.net_total IS NOT NULL AND prev.net_total <> 0 AND abs(t.net - prev.net_total) / abs(prev.net_total) * 100 > 50) THEN 'SUSPECT'
          ELSE 'DRAFT' END)::invoice_status, NULL, t.currency,
    :invoice_date::date, :invoice_date::date + 30, t.net, t.tax, t.net + t.tax, t.lines,
    jsonb_strip_nulls(jsonb_build_object('name', a.name, 'email', a.email, 'addressLine', a.address_line, 'city', a.city,
      'postalCode', a.postal_code, 'country', a.country, 'vatId', a.vat_id))
  FROM t JOIN customer_accounts a ON a.id = t.account_id
  LEFT JOIN (SELECT DISTINCT ON (p.account_id, p.currency) p.account_id, p.currency, p.net_total FROM invoices p
    WHERE p.tenant_id = :tenant AND p.status = 'POSTED' ORDER BY p.account_id, p.currency, p.posted_at DESC) prev
    ON prev.account_id = t.account_id AND prev.currency = t.currency
  ORDER BY t.account_id
  RETURNING id, account_id, status
), sub AS (
  INSERT INTO invoice_tax_subtotals (invoice_id, tenant_id, vat_category, vat_rate, taxable_amount, tax_amount, exemption_reason, exemption_reason_code)
  SELECT ins.id, :tenant, bd.vat_category, bd.vat_rate, bd.taxable, bd.tax, bd.reason, bd.code FROM ins JOIN bd USING (account_id) RETURNING 1
), hist AS (
  INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, actor) SELECT :tenant, id, NULL, status, 'floor' FROM ins RETURNING 1
)
SELECT count(*) FROM ins;

INSERT INTO number_sequences (tenant_id, kind, period, last_value)
VALUES (:tenant, 'INVOICE', to_char(:invoice_date::date, 'YYYY'), 0), (:tenant, 'CREDIT_NOTE', to_char(:invoice_date::date, 'YYYY'), 0)
ON CONFLICT DO NOTHING;

WITH todo AS (
  SELECT i.id, i.type, i.status, row_number() OVER (PARTITION BY i.type ORDER BY a.name, i.account_id) AS rn
  FROM invoices i JOIN customer_accounts a ON a.id = i.account_id
  WHERE i.billing_run_id = :run::uuid AND i.status IN ('DRAFT', 'SUSPECT')
), counts AS (
  SELECT type, count(*) AS n FROM todo GROUP BY type
), seq AS (
  UPDATE number_sequences s SET last_value = s.last_value + c.n FROM counts c
  WHERE s.tenant_id = :tenant AND s.kind = c.type::text AND s.period = to_char(:invoice_date::date, 'YYYY')
  RETURNING s.kind, s.last_value - c.n AS base
), upd AS (
  UPDATE invoices i SET status = 'POSTED', posted_at = now(), updated_at = now(),
    number = CASE WHEN todo.type = 'INVOICE' THEN 'INV-' ELSE 'CN-' END || to_char(:invoice_date::date, 'YYYY') || '-' || lpad((seq.base + todo.rn)::text, 6, '0')
  FROM todo JOIN seq ON seq.kind = todo.type::text WHERE i.id = todo.id
  RETURNING i.id, todo.status AS from_status
), hist AS (
  INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, actor) SELECT :tenant, id, from_status, 'POSTED', 'floor' FROM upd RETURNING 1
)
SELECT count(*) FROM upd;
