import Decimal from "decimal.js";
import { sql } from "drizzle-orm";
import { queryRows, type Db, type Queryable, type Tx } from "@/db/client";
import type { PartySnapshot } from "@/db/schema/invoices";
import { createCreditNoteInput, type CreateCreditNoteInput } from "@/lib/credit-note-inputs";
import { currencyExponent, roundToMinorUnit } from "@/lib/money";
import { recordAudit } from "@/server/audit/audit-log";
import { DomainError, badRequest, conflict, notFound, type FieldIssue } from "@/server/errors";
import { recordCreditNotePosted } from "@/server/outbox/outbox";
import { runtime } from "@/server/runtime";
import { actorLabel, allocateNumbers, type Actor } from "./runs-core";
import { formatDocumentNumber, parseNumberFormat } from "./stages/posting";
import { lowerMarksToReleased } from "./stages/release-items";
import { fixVatAccounting, vatAccountingCurrencyFrom } from "./vat-accounting";

// Corrections of posted invoices by credit note (SPEC "Corrections"). A correction credit note is an invoice row of type
// CREDIT_NOTE outside any billing run (billing_run_id null, corrects_invoice_id the original), with its own lines
// (credit_note_lines). Issuing one reserves its amounts on the original's ledgers (invoice_line_credits,
// invoice_vat_credits) by a conditional update whose bounds a CHECK also holds: whatever runs concurrently, the credit
// notes of an invoice (drafts included, until discarded) never credit more than the invoice. Posting is its own small
// transaction: the next number of the tenant's credit-note sequence, the credit_note.posted outbox row and, for "correct
// and re-bill", the release of the rated items behind the credited invoice (whole) or lines (each credited in full).

type Original = {
  id: string;
  type: "INVOICE" | "CREDIT_NOTE";
  status: string;
  number: string | null;
  currency: string;
  accountId: string;
  originRunId: string | null;
  billingRunId: string | null;
  correctsInvoiceId: string | null;
  buyer: PartySnapshot;
};

type LedgerLine = {
  id: string;
  description: string;
  quantity: string;
  unitPrice: string | null;
  amount: string;
  vatCategory: string;
  vatRate: string;
  periodStart: string;
  periodEnd: string;
  credited: string;
};

type VatLedger = { vatCategory: string; vatRate: string; taxableAmount: string; taxAmount: string; creditedTaxable: string; creditedTax: string; exemptionReason: string | null };

/** One credited line: `amount` in the original line's sign (what is taken off it). */
type Credit = { line: LedgerLine; amount: Decimal; index: number | null };

const label = (o: Pick<Original, "number">) => o.number ?? "this invoice";

async function lockOriginal(tx: Tx, tenantId: string, invoiceId: string): Promise<Original> {
  // FOR UPDATE serializes the corrections of one invoice (a posted invoice's row is never updated: the lock only queues)
  const [original] = await queryRows<Original>(
    tx,
    sql`SELECT id, type, status, number, currency::text AS currency, account_id AS "accountId", origin_run_id AS "originRunId",
          billing_run_id AS "billingRunId", corrects_invoice_id AS "correctsInvoiceId", buyer
        FROM invoices WHERE id = ${invoiceId}::uuid AND tenant_id = ${tenantId} FOR UPDATE`,
  );
  if (!original) throw notFound("Invoice");
  return original;
}

function assertCreditable(original: Original) {
  if (original.correctsInvoiceId || original.type === "CREDIT_NOTE") {
    throw conflict(`${label(original)} is a credit note: only invoices can be corrected by a credit note`);
  }
  if (original.status !== "POSTED") {
    throw conflict(`Only a posted invoice can be corrected by a credit note; this invoice is ${original.status} (change or cancel the draft instead)`);
  }
}

/** The original's lines with what is already credited on each, creating its ledgers on first use. */
async function ledgerLines(tx: Tx, tenantId: string, original: Original): Promise<LedgerLine[]> {
  await tx.execute(
    sql`INSERT INTO invoice_line_credits (tenant_id, invoice_id, invoice_line_id, line_amount)
        SELECT ${tenantId}, ${original.id}::uuid, l.id, l.amount FROM invoice_lines l
        WHERE l.tenant_id = ${tenantId} AND l.billing_run_id = ${original.originRunId}::uuid AND l.account_id = ${original.accountId}::uuid
        ON CONFLICT DO NOTHING`,
  );
  await tx.execute(
    sql`INSERT INTO invoice_vat_credits (tenant_id, invoice_id, vat_category, vat_rate, taxable_amount, tax_amount)
        SELECT ${tenantId}, invoice_id, vat_category, vat_rate, taxable_amount, tax_amount FROM invoice_tax_subtotals
        WHERE tenant_id = ${tenantId} AND invoice_id = ${original.id}::uuid
        ON CONFLICT DO NOTHING`,
  );
  return queryRows<LedgerLine>(
    tx,
    sql`SELECT l.id::text AS id, l.description, l.quantity::text AS quantity, l.unit_price::text AS "unitPrice", l.amount::text AS amount,
          l.vat_category AS "vatCategory", l.vat_rate::text AS "vatRate", l.period_start::text AS "periodStart",
          l.period_end::text AS "periodEnd", c.credited::text AS credited
        FROM invoice_lines l JOIN invoice_line_credits c ON c.invoice_id = ${original.id}::uuid AND c.invoice_line_id = l.id
        WHERE l.tenant_id = ${tenantId} AND l.billing_run_id = ${original.originRunId}::uuid AND l.account_id = ${original.accountId}::uuid
        ORDER BY l.id`,
  );
}

const remainingOf = (line: LedgerLine) => new Decimal(line.amount).minus(line.credited);

/** What the input asks to credit, per line; refuses lines of other invoices and amounts finer than the currency's unit. */
function requestedCredits(input: ReturnType<typeof createCreditNoteInput.parse>, lines: LedgerLine[], original: Original): Credit[] {
  if (input.scope === "WHOLE") {
    const credits = lines.filter((l) => !remainingOf(l).isZero()).map((line) => ({ line, amount: remainingOf(line), index: null }));
    if (!credits.length) throw conflict(`Nothing remains to be credited on ${label(original)}: it is fully credited`);
    return credits;
  }
  const byId = new Map(lines.map((l) => [l.id, l]));
  const exponent = currencyExponent(original.currency);
  const issues: FieldIssue[] = [];
  const credits: Credit[] = [];
  input.lines!.forEach((requested, index) => {
    const line = byId.get(requested.lineId);
    if (!line) {
      issues.push({ field: `lines.${index}.lineId`, message: `line ${requested.lineId} is not a line of ${label(original)}` });
      return;
    }
    const lineAmount = new Decimal(line.amount);
    if (lineAmount.isZero()) {
      issues.push({ field: `lines.${index}.lineId`, message: `line ${requested.lineId} has a zero amount: there is nothing to credit` });
      return;
    }
    if (requested.amount === undefined) {
      credits.push({ line, amount: remainingOf(line), index });
      return;
    }
    const amount = new Decimal(requested.amount);
    if (amount.decimalPlaces() > exponent) {
      issues.push({ field: `lines.${index}.amount`, message: `has more decimals than ${original.currency} allows (${exponent})` });
      return;
    }
    credits.push({ line, amount: lineAmount.isNegative() ? amount.negated() : amount, index });
  });
  if (issues.length) throw badRequest(issues.length === 1 ? `lines: ${issues[0].message}` : "Some lines cannot be credited", issues);
  return credits;
}

function overCreditError(original: Original, failed: Credit[]): DomainError {
  const issues = failed.map((c) => ({
    field: c.index === null ? "scope" : `lines.${c.index}.amount`,
    message: remainingOf(c.line).isZero()
      ? `line ${c.line.id} (${c.line.description}) is already fully credited`
      : `exceeds what remains uncredited on line ${c.line.id} (${c.line.description}): ${remainingOf(c.line).abs().toFixed()} ${original.currency}`,
  }));
  return new DomainError("CONFLICT", `The credit note would credit more than remains uncredited on ${label(original)}`, issues);
}

/**
 * Reserves the credits on the line ledger: one conditional update, the guard against crediting more than the line
 * (also held by invoice_line_credits' CHECK). Lines it did not update would go over: nothing is reserved then.
 */
async function reserveLines(tx: Tx, original: Original, credits: Credit[]) {
  const ids = credits.map((c) => c.line.id);
  const amounts = credits.map((c) => c.amount.toFixed());
  const updated = await queryRows<{ id: string; credited: string }>(
    tx,
    sql`UPDATE invoice_line_credits c SET credited = c.credited + r.amount
        FROM (SELECT unnest(${`{${ids.join(",")}}`}::bigint[]) AS line_id, unnest(${`{${amounts.join(",")}}`}::numeric[]) AS amount) r
        WHERE c.invoice_id = ${original.id}::uuid AND c.invoice_line_id = r.line_id
          AND sign(c.credited + r.amount) * sign(c.line_amount) >= 0 AND abs(c.credited + r.amount) <= abs(c.line_amount)
        RETURNING c.invoice_line_id::text AS id, c.credited::text AS credited`,
  );
  if (updated.length !== credits.length) {
    const done = new Set(updated.map((u) => u.id));
    throw overCreditError(original, credits.filter((c) => !done.has(c.line.id)));
  }
}

type VatCredit = { vatCategory: string; vatRate: string; taxable: Decimal; tax: Decimal; exemptionReason: string | null };

/**
 * VAT per breakdown row (category + rate) as on invoices: the credited taxable amount times the rate, rounded half-up
 * once per row. The credit that completes a row takes exactly the VAT left on it, and no credit takes more than is
 * left, so the credit notes of an invoice add up to its VAT to the cent.
 */
async function reserveVat(tx: Tx, original: Original, credits: Credit[]): Promise<VatCredit[]> {
  const ledger = await queryRows<VatLedger>(
    tx,
    sql`SELECT v.vat_category AS "vatCategory", v.vat_rate::text AS "vatRate", v.taxable_amount::text AS "taxableAmount",
          v.tax_amount::text AS "taxAmount", v.credited_taxable::text AS "creditedTaxable", v.credited_tax::text AS "creditedTax",
          s.exemption_reason AS "exemptionReason"
        FROM invoice_vat_credits v
        LEFT JOIN invoice_tax_subtotals s ON s.invoice_id = v.invoice_id AND s.vat_category = v.vat_category AND s.vat_rate = v.vat_rate
        WHERE v.invoice_id = ${original.id}::uuid FOR UPDATE OF v`,
  );
  const groups = new Map<string, VatCredit>();
  for (const c of credits) {
    const key = `${c.line.vatCategory}|${new Decimal(c.line.vatRate).toFixed(2)}`;
    const g = groups.get(key) ?? { vatCategory: c.line.vatCategory, vatRate: c.line.vatRate, taxable: new Decimal(0), tax: new Decimal(0), exemptionReason: null };
    g.taxable = g.taxable.plus(c.amount);
    groups.set(key, g);
  }
  const result: VatCredit[] = [];
  for (const [key, g] of groups) {
    const row = ledger.find((v) => `${v.vatCategory}|${new Decimal(v.vatRate).toFixed(2)}` === key);
    if (!row) throw new Error(`invoice ${original.id} has no VAT breakdown row for ${key}`);
    const taxableLeft = new Decimal(row.taxableAmount).minus(row.creditedTaxable);
    const taxLeft = new Decimal(row.taxAmount).minus(row.creditedTax);
    let tax: Decimal;
    if (g.taxable.equals(taxableLeft)) tax = taxLeft;
    else {
      tax = new Decimal(roundToMinorUnit(g.taxable.times(row.vatRate).div(100), original.currency));
      if (tax.abs().greaterThan(taxLeft.abs())) tax = taxLeft;
    }
    result.push({ ...g, tax, exemptionReason: row.exemptionReason });
  }
  const updated = await queryRows<{ n: number }>(
    tx,
    sql`WITH r AS (
          SELECT unnest(${`{${result.map((g) => g.vatCategory).join(",")}}`}::vat_category[]) AS vat_category,
            unnest(${`{${result.map((g) => g.vatRate).join(",")}}`}::numeric[]) AS vat_rate,
            unnest(${`{${result.map((g) => g.taxable.toFixed()).join(",")}}`}::numeric[]) AS taxable,
            unnest(${`{${result.map((g) => g.tax.toFixed()).join(",")}}`}::numeric[]) AS tax),
        upd AS (
          UPDATE invoice_vat_credits v SET credited_taxable = v.credited_taxable + r.taxable, credited_tax = v.credited_tax + r.tax
          FROM r WHERE v.invoice_id = ${original.id}::uuid AND v.vat_category = r.vat_category AND v.vat_rate = r.vat_rate
            AND sign(v.credited_taxable + r.taxable) * sign(v.taxable_amount) >= 0 AND abs(v.credited_taxable + r.taxable) <= abs(v.taxable_amount)
          RETURNING 1)
        SELECT count(*)::int AS n FROM upd`,
  );
  if (updated[0].n !== result.length) {
    // e.g. a line credited in full where a discount line of the same rate lowered what was invoiced at that rate
    throw new DomainError("CONFLICT", `The credit note would credit more than was invoiced at a VAT rate on ${label(original)}`, [
      { field: "lines", message: "credits more than remains uncredited at this VAT rate (credit the discount lines too)" },
    ]);
  }
  return result;
}

/** Re-billing by line releases the items behind each chosen line, so each must be credited in full, by this credit note. */
function assertWholeLines(credits: Credit[]) {
  const issues: FieldIssue[] = [];
  for (const c of credits) {
    if (!new Decimal(c.line.credited).isZero()) {
      issues.push({ field: `lines.${c.index}.lineId`, message: `line ${c.line.id} (${c.line.description}) is already partly credited: its rated items can be re-billed only with the line credited in full by one credit note` });
    } else if (!c.amount.equals(c.line.amount)) {
      issues.push({ field: `lines.${c.index}.amount`, message: `a partial amount cannot release the rated items behind line ${c.line.id} (${c.line.description}): omit the amount to credit the line in full, or do not re-bill` });
    }
  }
  if (issues.length) throw badRequest(issues.length === 1 ? `rebill: ${issues[0].message}` : "Some lines cannot be re-billed", issues);
}

/**
 * Lists the rated items behind the chosen lines in rebilled_items (released when the credit note is posted). Lines do
 * not store their items: an item of the original run belongs to the line with its grouping keys (lines stage) — charge,
 * kind, currency, usage date within the line's period, subscription when the run grouped by it, unit price when the
 * line was split by price. A line whose items cannot be told apart exactly (its count differs, or an item would fit
 * two lines, e.g. identical per-item lines) is refused rather than releasing the wrong items.
 */
async function rebillLineItems(tx: Tx, tenantId: string, original: Original, credits: Credit[], creditNoteId: string): Promise<number> {
  const ids = `{${credits.map((c) => c.line.id).join(",")}}`;
  const matches = sql`matches AS MATERIALIZED (
      SELECT r.id AS item_id, l.id AS line_id, r.status
      FROM rated_item_claims c
      JOIN rated_items r ON r.id = c.rated_item_id AND r.tenant_id = ${tenantId} AND r.account_id = ${original.accountId}::uuid
      JOIN charges ch ON ch.id = r.charge_id
      JOIN billing_runs b ON b.id = c.billing_run_id
      JOIN invoice_lines l ON l.tenant_id = ${tenantId} AND l.billing_run_id = c.billing_run_id AND l.account_id = r.account_id
        AND l.charge_id = r.charge_id AND l.currency = r.currency
        AND l.kind = coalesce(r.kind, (CASE WHEN r.amount < 0 THEN 'CREDIT' ELSE 'CHARGE' END)::line_kind)
        AND r.usage_date BETWEEN l.period_start AND l.period_end
        AND (NOT b.group_by_subscription OR l.subscription_id IS NOT DISTINCT FROM r.subscription_id)
        AND (NOT (b.split_by_unit_price OR ch.line_grouping = 'PER_PRICE') OR l.unit_price = r.unit_price)
        AND (ch.line_grouping <> 'PER_ITEM' OR l.items_count = 1)
      WHERE c.billing_run_id = ${original.originRunId}::uuid AND c.tenant_id = ${tenantId}),
    unique_matches AS (SELECT item_id, min(line_id) AS line_id, min(status::text) AS status FROM matches GROUP BY item_id HAVING count(*) = 1)`;
  const unclear = await queryRows<{ id: string }>(
    tx,
    sql`WITH ${matches}
        SELECT l.id::text AS id FROM invoice_lines l
        LEFT JOIN unique_matches u ON u.line_id = l.id
        WHERE l.tenant_id = ${tenantId} AND l.billing_run_id = ${original.originRunId}::uuid AND l.account_id = ${original.accountId}::uuid
          AND l.id = ANY(${ids}::bigint[])
        GROUP BY l.id, l.items_count HAVING count(u.item_id) <> l.items_count`,
  );
  if (unclear.length) {
    const failed = new Set(unclear.map((u) => u.id));
    throw badRequest("The rated items behind some lines cannot be told apart: re-bill the whole invoice instead", credits
      .filter((c) => failed.has(c.line.id))
      .map((c) => ({ field: `lines.${c.index}.lineId`, message: `the rated items behind line ${c.line.id} (${c.line.description}) cannot be told apart from another line's` })));
  }
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`WITH ${matches},
        ins AS (
          INSERT INTO rebilled_items (tenant_id, rated_item_id, billing_run_id, credit_note_id)
          SELECT ${tenantId}, u.item_id, ${original.originRunId}::uuid, ${creditNoteId}::uuid FROM unique_matches u
          WHERE u.line_id = ANY(${ids}::bigint[]) AND u.status <> 'CANCELED'
          RETURNING 1)
        SELECT count(*)::int AS n FROM ins`,
  );
  return row.n;
}

export type CreditNoteResult = { id: string; number: string | null; status: "DRAFT" | "POSTED"; netTotal: string; taxTotal: string; grossTotal: string; correctsInvoiceId: string; rebilledItems: number };

/**
 * Issues a credit note for a posted invoice of the tenant: the whole remaining amount, or chosen lines in full or in
 * part, with a reason; posted at once unless `post: false` (then a draft that reserves its amounts until posted or
 * discarded). Nothing is written when any part is refused.
 */
export async function createCreditNote(db: Db, tenantId: string, invoiceId: string, rawInput: CreateCreditNoteInput, actor: Actor): Promise<CreditNoteResult> {
  const input = createCreditNoteInput.parse(rawInput);
  const who = actorLabel(actor);
  const note = await db.transaction(async (tx) => {
    const original = await lockOriginal(tx, tenantId, invoiceId);
    assertCreditable(original);
    const lines = await ledgerLines(tx, tenantId, original);
    if (input.rebill && input.scope === "WHOLE" && lines.some((l) => !new Decimal(l.credited).isZero())) {
      throw conflict(`${label(original)} is already partly credited: re-billing the whole invoice needs one credit note for all of it (credit the remaining lines with re-billing instead)`);
    }
    const credits = requestedCredits(input, lines, original);
    if (input.rebill && input.scope === "LINES") assertWholeLines(credits);
    await reserveLines(tx, original, credits);
    const vat = await reserveVat(tx, original, credits);

    const net = credits.reduce((sum, c) => sum.plus(c.amount), new Decimal(0));
    const tax = vat.reduce((sum, g) => sum.plus(g.tax), new Decimal(0));
    const money = (d: Decimal) => d.toFixed(currencyExponent(original.currency));
    // stored negative, like every credit note
    const [note] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO invoices (tenant_id, account_id, type, status, currency, invoice_date, due_date, net_total, tax_total, gross_total,
            lines_count, buyer, corrects_invoice_id, credit_reason)
          VALUES (${tenantId}, ${original.accountId}::uuid, 'CREDIT_NOTE', 'DRAFT', ${original.currency}, current_date, current_date,
            ${net.negated().toFixed()}::numeric, ${tax.negated().toFixed()}::numeric, ${net.plus(tax).negated().toFixed()}::numeric,
            ${credits.length}, ${JSON.stringify(original.buyer)}::jsonb, ${original.id}::uuid, ${input.reason})
          RETURNING id::text`,
    );
    for (const c of credits) {
      // A line credited in full keeps its quantity and price; a partial amount is one unit of that amount.
      const full = c.amount.equals(c.line.amount);
      await tx.execute(
        sql`INSERT INTO credit_note_lines (tenant_id, credit_note_id, invoice_line_id, description, quantity, unit_price, amount, currency,
              vat_category, vat_rate, period_start, period_end)
            VALUES (${tenantId}, ${note.id}::uuid, ${c.line.id}::bigint, ${c.line.description}, ${full ? c.line.quantity : "1"}::numeric,
              ${full ? (c.line.unitPrice === null ? null : new Decimal(c.line.unitPrice).negated().toFixed()) : c.amount.negated().toFixed()}::numeric,
              ${c.amount.negated().toFixed()}::numeric, ${original.currency}, ${c.line.vatCategory}::vat_category, ${c.line.vatRate}::numeric,
              ${c.line.periodStart}::date, ${c.line.periodEnd}::date)`,
      );
    }
    for (const g of vat) {
      await tx.execute(
        sql`INSERT INTO invoice_tax_subtotals (invoice_id, tenant_id, vat_category, vat_rate, taxable_amount, tax_amount, exemption_reason)
            VALUES (${note.id}::uuid, ${tenantId}, ${g.vatCategory}::vat_category, ${g.vatRate}::numeric, ${g.taxable.negated().toFixed()}::numeric,
              ${g.tax.negated().toFixed()}::numeric, ${g.exemptionReason})`,
      );
    }
    await tx.execute(
      sql`INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, reason, actor)
          VALUES (${tenantId}, ${note.id}::uuid, NULL, 'DRAFT', ${`Credit note for ${label(original)}: ${input.reason}`}, ${who})`,
    );
    let rebilledItems = 0;
    if (input.rebill && input.scope === "WHOLE") {
      // the items the original billed; their claims go when the credit note is posted
      const [row] = await queryRows<{ n: number }>(
        tx,
        sql`WITH ins AS (
              INSERT INTO rebilled_items (tenant_id, rated_item_id, billing_run_id, credit_note_id)
              SELECT ${tenantId}, c.rated_item_id, c.billing_run_id, ${note.id}::uuid
              FROM rated_items r JOIN rated_item_claims c ON c.rated_item_id = r.id AND c.billing_run_id = ${original.originRunId}::uuid
              WHERE r.tenant_id = ${tenantId} AND r.account_id = ${original.accountId}::uuid AND r.status <> 'CANCELED'
              RETURNING 1)
            SELECT count(*)::int AS n FROM ins`,
      );
      rebilledItems = row.n;
    } else if (input.rebill) {
      rebilledItems = await rebillLineItems(tx, tenantId, original, credits, note.id);
    }
    const posted = input.post ? await postInTransaction(tx, tenantId, note.id, who) : null;
    const result = {
      id: note.id,
      number: posted?.number ?? null,
      status: posted ? "POSTED" : "DRAFT",
      netTotal: money(net),
      taxTotal: money(tax),
      grossTotal: money(net.plus(tax)),
      correctsInvoiceId: original.id,
      rebilledItems,
    } satisfies CreditNoteResult;
    await recordAudit(tx, { tenantId, actor, action: "invoice.credit_note.create", entityType: "invoice", entityId: original.id, after: result, data: { reason: input.reason, scope: input.scope } });
    return result;
  });
  if (note.status === "POSTED") runtime().outbox.wake(db);
  return note;
}

type CorrectionRow = { id: string; status: string; number: string | null; correctsInvoiceId: string };

async function lockCorrection(tx: Tx, tenantId: string, creditNoteId: string): Promise<CorrectionRow> {
  const [note] = await queryRows<CorrectionRow>(
    tx,
    sql`SELECT id::text, status, number, corrects_invoice_id::text AS "correctsInvoiceId" FROM invoices
        WHERE id = ${creditNoteId}::uuid AND tenant_id = ${tenantId} AND corrects_invoice_id IS NOT NULL FOR UPDATE`,
  );
  if (!note) throw notFound("Credit note");
  return note;
}

/** Numbers and posts a draft correction (already locked by the caller's transaction); a posted one is left as it is. */
async function postInTransaction(tx: Tx, tenantId: string, creditNoteId: string, who: string): Promise<{ number: string; newlyPosted: boolean }> {
  const note = await lockCorrection(tx, tenantId, creditNoteId);
  if (note.status === "POSTED") return { number: note.number!, newlyPosted: false };
  if (note.status !== "DRAFT") throw conflict(`This credit note is ${note.status} and cannot be posted`);
  const [profile] = await queryRows<{ format: string | null; year: string }>(
    tx,
    sql`SELECT (SELECT credit_note_number_format FROM tenant_profiles WHERE tenant_id = ${tenantId}) AS format,
          to_char(current_date, 'YYYY') AS year`,
  );
  const format = profile.format ?? "CN-{YYYY}-{SEQ:6}";
  // Gapless: the number comes from the tenant's credit-note sequence in this transaction, used by this one update.
  const seq = await allocateNumbers(tx, tenantId, "CREDIT_NOTE", parseNumberFormat(format).yearly ? profile.year : "", 1);
  const number = formatDocumentNumber(format, seq, profile.year);
  const updated = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE invoices i SET status = 'POSTED', number = ${number}, invoice_date = current_date, due_date = current_date,
          posted_at = now(), updated_at = now(), ${fixVatAccounting(sql`current_date`)}
        FROM ${vatAccountingCurrencyFrom(tenantId)}
        WHERE i.id = ${creditNoteId}::uuid AND i.tenant_id = ${tenantId} AND i.status = 'DRAFT' RETURNING i.id`,
  );
  if (updated.length !== 1) throw new Error(`credit note ${creditNoteId} changed while being posted; rolled back`);
  await tx.execute(
    sql`INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, actor)
        VALUES (${tenantId}, ${creditNoteId}::uuid, 'DRAFT', 'POSTED', ${who})`,
  );
  // Correct and re-bill: the released items' claims go (the claims trigger allows it for items of a posted correction),
  // and their accounts' open-from marks come down to the oldest released item, so the next run reads them again.
  await tx.execute(
    sql`WITH released AS (
          DELETE FROM rated_item_claims c USING rebilled_items x
          WHERE x.credit_note_id = ${creditNoteId}::uuid AND c.rated_item_id = x.rated_item_id AND c.billing_run_id = x.billing_run_id
            AND c.tenant_id = ${tenantId}
          RETURNING c.rated_item_id)
        ${lowerMarksToReleased(
          tenantId,
          sql`SELECT r.account_id, min(r.usage_date) AS first FROM rated_items r JOIN released ON released.rated_item_id = r.id
              WHERE r.tenant_id = ${tenantId} GROUP BY r.account_id`,
        )}`,
  );
  await recordCreditNotePosted(tx, tenantId, creditNoteId);
  return { number, newlyPosted: true };
}

/** Posts a draft correction credit note; posting a posted one changes nothing. */
export async function postCreditNote(db: Db, tenantId: string, creditNoteId: string, actor: Actor) {
  const who = actorLabel(actor);
  const result = await db.transaction(async (tx) => {
    const note = await lockCorrection(tx, tenantId, creditNoteId);
    // the original first, as when issuing, so the two never wait on each other in opposite orders
    await lockOriginal(tx, tenantId, note.correctsInvoiceId);
    const posted = await postInTransaction(tx, tenantId, creditNoteId, who);
    if (posted.newlyPosted) {
      await recordAudit(tx, { tenantId, actor, action: "invoice.credit_note.post", entityType: "invoice", entityId: creditNoteId, before: { status: note.status }, after: { status: "POSTED", number: posted.number } });
    }
    return { id: creditNoteId, number: posted.number, status: "POSTED" as const, newlyPosted: posted.newlyPosted };
  });
  if (result.newlyPosted) runtime().outbox.wake(db);
  return result;
}

/** Discards a draft correction: its reserved amounts are released and it is kept as CANCELED. */
export async function discardCreditNote(db: Db, tenantId: string, creditNoteId: string, actor: Actor) {
  const who = actorLabel(actor);
  return db.transaction(async (tx) => {
    const peek = await lockCorrection(tx, tenantId, creditNoteId);
    const original = await lockOriginal(tx, tenantId, peek.correctsInvoiceId);
    if (peek.status !== "DRAFT") throw conflict(`Only a draft credit note can be discarded; this one is ${peek.status}`);
    await tx.execute(
      sql`UPDATE invoice_line_credits c SET credited = c.credited + l.amount
          FROM credit_note_lines l
          WHERE l.credit_note_id = ${creditNoteId}::uuid AND c.invoice_id = ${original.id}::uuid AND c.invoice_line_id = l.invoice_line_id`,
    );
    await tx.execute(
      sql`UPDATE invoice_vat_credits v SET credited_taxable = v.credited_taxable + s.taxable_amount, credited_tax = v.credited_tax + s.tax_amount
          FROM invoice_tax_subtotals s
          WHERE s.invoice_id = ${creditNoteId}::uuid AND v.invoice_id = ${original.id}::uuid
            AND v.vat_category = s.vat_category AND v.vat_rate = s.vat_rate`,
    );
    await tx.execute(sql`DELETE FROM rebilled_items WHERE credit_note_id = ${creditNoteId}::uuid`);
    await tx.execute(sql`UPDATE invoices SET status = 'CANCELED', updated_at = now() WHERE id = ${creditNoteId}::uuid AND status = 'DRAFT'`);
    await tx.execute(
      sql`INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, reason, actor)
          VALUES (${tenantId}, ${creditNoteId}::uuid, 'DRAFT', 'CANCELED', 'Draft credit note discarded', ${who})`,
    );
    await recordAudit(tx, { tenantId, actor, action: "invoice.credit_note.discard", entityType: "invoice", entityId: creditNoteId, before: { status: "DRAFT" }, after: { status: "CANCELED" } });
    return { id: creditNoteId, status: "CANCELED" as const };
  });
}

export type CreditTotals = { net: string; tax: string; gross: string };
export type CreditSummary = {
  /** whether a credit note can be issued now (posted invoice with something left) */
  creditable: boolean;
  posted: CreditTotals;
  /** reserved by draft credit notes */
  drafts: CreditTotals;
  remaining: CreditTotals;
  creditNotes: { id: string; number: string | null; status: string; invoiceDate: string; grossTotal: string; reason: string }[];
  /** per line id: what remains uncredited (excl. VAT, in the line's sign) */
  lineRemaining: Record<string, string>;
};

/** What the credit notes of an invoice credit (amounts positive for an invoice), for its page and the REST answer. */
export async function creditSummary(db: Queryable, tenantId: string, invoice: { id: string; status: string; type: string; netTotal: string; taxTotal: string; grossTotal: string }): Promise<CreditSummary | null> {
  if (invoice.type !== "INVOICE" || invoice.status !== "POSTED") return null;
  const [notes, lineRows] = await Promise.all([
    queryRows<{ id: string; number: string | null; status: string; invoiceDate: string; netTotal: string; taxTotal: string; grossTotal: string; reason: string }>(
      db,
      sql`SELECT id::text, number, status, invoice_date::text AS "invoiceDate", (-net_total)::text AS "netTotal", (-tax_total)::text AS "taxTotal",
            (-gross_total)::text AS "grossTotal", credit_reason AS reason
          FROM invoices WHERE tenant_id = ${tenantId} AND corrects_invoice_id = ${invoice.id}::uuid
          ORDER BY created_at, id`,
    ),
    queryRows<{ id: string; remaining: string }>(
      db,
      sql`SELECT invoice_line_id::text AS id, (line_amount - credited)::text AS remaining FROM invoice_line_credits
          WHERE tenant_id = ${tenantId} AND invoice_id = ${invoice.id}::uuid`,
    ),
  ]);
  const sum = (status: string): CreditTotals => {
    const of = notes.filter((n) => n.status === status);
    const total = (k: "netTotal" | "taxTotal" | "grossTotal") => of.reduce((s, n) => s.plus(n[k]), new Decimal(0)).toFixed();
    return { net: total("netTotal"), tax: total("taxTotal"), gross: total("grossTotal") };
  };
  const posted = sum("POSTED");
  const drafts = sum("DRAFT");
  const left = (k: keyof CreditTotals, v: string) => new Decimal(v).minus(posted[k]).minus(drafts[k]).toFixed();
  const remaining = { net: left("net", invoice.netTotal), tax: left("tax", invoice.taxTotal), gross: left("gross", invoice.grossTotal) };
  return {
    creditable: !new Decimal(remaining.net).isZero() || !new Decimal(remaining.tax).isZero(),
    posted,
    drafts,
    remaining,
    creditNotes: notes.map(({ id, number, status, invoiceDate, grossTotal, reason }) => ({ id, number, status, invoiceDate, grossTotal, reason })),
    lineRemaining: Object.fromEntries(lineRows.map((r) => [r.id, r.remaining])),
  };
}
