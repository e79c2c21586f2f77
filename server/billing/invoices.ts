import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db, type Queryable } from "@/db/client";
import type { PartySnapshot } from "@/db/schema";
import type { INVOICE_TYPES, InvoiceStatus } from "@/lib/billing-values";
import { en16931CurrencyProblem } from "@/server/documents/ubl/en16931-currency";
import { recordAuditMany } from "@/server/audit/audit-log";
import { conflict, notFound } from "@/server/errors";
import { refreshRunCounters } from "./run-counters";
import { bulkActionInput, listInvoicesInput, type BulkActionInput, type InvoiceFilter, type ListInvoicesInput } from "@/lib/billing-inputs";
import { findingBadges, hasFinding, invoiceComparison, invoiceFindings, type FindingBadge } from "./findings";
import { quarantineInvoices } from "./quarantine";
import { formatRunNumber } from "./run-list";
import { actorLabel, iso, loadRun, withDates, type Actor } from "./runs-core";
import { creditSummary } from "./credit-notes";
import { cancelInvoices } from "./stages/cancel";
import { uuidArray } from "./stages/sql-arrays";
import { vatTotalInAccountingCurrency } from "./vat-accounting";
import { availableInvoiceActions, INVOICE_ACTION_FROM, runInvoiceActions, type RunStatus, type RunType } from "./state-machine";

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL conditions (alias i = invoices, a = customer_accounts) for the invoice filter shared by list and bulk actions. */
function filterSql(filter: InvoiceFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.status?.length) where.push(sql`i.status::text = ANY(ARRAY[${sql.join(filter.status.map((s) => sql`${s}`), sql`, `)}]::text[])`);
  if (filter.type?.length) where.push(sql`i.type::text = ANY(ARRAY[${sql.join(filter.type.map((s) => sql`${s}`), sql`, `)}]::text[])`);
  if (filter.accountQuery) {
    const like = `%${escapeLike(filter.accountQuery)}%`;
    where.push(sql`(a.name ILIKE ${like} OR a.external_id ILIKE ${like} OR a.email ILIKE ${like})`);
  }
  if (filter.amountMin !== undefined) where.push(sql`i.gross_total >= ${filter.amountMin}::numeric`);
  if (filter.amountMax !== undefined) where.push(sql`i.gross_total <= ${filter.amountMax}::numeric`);
  if (filter.currency) where.push(sql`i.currency = ${filter.currency}`);
  if (filter.number) where.push(sql`i.number ILIKE ${`%${escapeLike(filter.number)}%`}`);
  if (filter.hasReason === true) where.push(sql`i.reason IS NOT NULL`);
  if (filter.hasReason === false) where.push(sql`i.reason IS NULL`);
  if (filter.rule) where.push(hasFinding(filter.rule));
  return where;
}

const sortColumns = {
  number: sql`i.number`,
  accountName: sql`a.name`,
  grossTotal: sql`i.gross_total`,
  netTotal: sql`i.net_total`,
  status: sql`i.status`,
  type: sql`i.type`,
  createdAt: sql`i.created_at`,
} as const;

type InvoiceType = (typeof INVOICE_TYPES)[number];

export type InvoiceListRow = {
  id: string;
  number: string | null;
  type: InvoiceType;
  status: InvoiceStatus;
  reason: string | null;
  accountId: string;
  accountName: string;
  currency: string;
  netTotal: string;
  taxTotal: string;
  grossTotal: string;
  invoiceDate: string;
  dueDate: string;
  findings: FindingBadge[];
};

export async function listInvoices(db: Queryable, tenantId: string, rawInput: ListInvoicesInput) {
  const input = listInvoicesInput.parse(rawInput);
  const run = await loadRun(db, tenantId, input.runId);
  const where = sql.join([sql`i.tenant_id = ${tenantId}`, sql`i.billing_run_id = ${input.runId}::uuid`, ...filterSql(input)], sql` AND `);
  const direction = input.direction === "asc" ? sql`ASC` : sql`DESC`;
  const [rows, [{ total }]] = await Promise.all([
    queryRows<InvoiceListRow>(
      db,
      sql`SELECT i.id, i.number, i.type, i.status, i.reason, i.account_id AS "accountId", a.name AS "accountName", i.currency,
            i.net_total::text AS "netTotal", i.tax_total::text AS "taxTotal", i.gross_total::text AS "grossTotal",
            i.invoice_date::text AS "invoiceDate", i.due_date::text AS "dueDate", ${findingBadges(sql`i.id`)} AS findings
          FROM invoices i JOIN customer_accounts a ON a.id = i.account_id
          WHERE ${where}
          ORDER BY ${sortColumns[input.sort]} ${direction} NULLS LAST, i.id
          LIMIT ${input.pageSize} OFFSET ${(input.page - 1) * input.pageSize}`,
    ),
    queryRows<{ total: number }>(
      db,
      sql`SELECT count(*)::int AS total FROM invoices i JOIN customer_accounts a ON a.id = i.account_id WHERE ${where}`,
    ),
  ]);
  // Each invoice with the review actions it allows now (the state machine's rule; the dashboard only reads them).
  const withActions = rows.map((row) => ({ ...row, availableActions: availableInvoiceActions(run, row.status) }));
  return { rows: withActions, total, page: input.page, pageSize: input.pageSize };
}

export type InvoiceDetail = InvoiceListRow & {
  accountExternalId: string;
  linesCount: number;
  buyer: PartySnapshot;
  postedAt: Date | null;
  createdAt: Date;
  /** null for a credit note correcting a posted invoice (not part of a run) */
  billingRunId: string | null;
  billingRunNumber: number | null;
  originRunId: string | null;
  originRunNumber: number | null;
  /** a correction credit note: the invoice it corrects and why */
  correctsInvoice: { id: string; number: string; invoiceDate: string; billingRunId: string } | null;
  creditReason: string | null;
  /** the invoice's own memo; the run's memo is printed before it */
  memo: string | null;
  runMemo: string | null;
};
/** The invoice's current run, for the actions the invoice allows (not part of the answer). */
type InvoiceRunState = {
  runStatus: RunStatus | null;
  runType: RunType | null;
  vatAccountingRate: { currency: string; rate: string; rateDate: string } | null;
};
export type InvoiceLineRow = {
  id: string;
  description: string;
  chargeCode: string;
  chargeType: string;
  subscriptionId: string | null;
  subscriptionName: string | null;
  quantity: string;
  unitPrice: string | null;
  amount: string;
  currency: string;
  vatCategory: string;
  vatRate: string;
  periodStart: string;
  periodEnd: string;
  itemsCount: number;
};
export type VatBreakdownRow = { vatCategory: string; vatRate: string; taxableAmount: string; taxAmount: string; exemptionReason: string | null };
/** `actor` as recorded ("user:<id>", "api-key:<id>", "system"…); `actorName` what a reader recognizes. */
export type StatusHistoryRow = {
  fromStatus: InvoiceStatus | null;
  toStatus: InvoiceStatus;
  reason: string | null;
  actor: string | null;
  actorName: string | null;
  at: Date;
};

export async function getInvoice(db: Queryable, tenantId: string, invoiceId: string) {
  const [found] = await queryRows<Omit<InvoiceDetail, "findings"> & InvoiceRunState>(
    db,
    sql`SELECT i.id, i.number, i.type, i.status, i.reason, i.account_id AS "accountId", a.name AS "accountName",
          a.external_id AS "accountExternalId", i.currency, i.net_total::text AS "netTotal", i.tax_total::text AS "taxTotal",
          i.gross_total::text AS "grossTotal", i.invoice_date::text AS "invoiceDate", i.due_date::text AS "dueDate",
          i.lines_count AS "linesCount", i.buyer, ${iso("i.posted_at")} AS "postedAt", ${iso("i.created_at")} AS "createdAt",
          i.billing_run_id AS "billingRunId", br.number AS "billingRunNumber", i.origin_run_id AS "originRunId", ori.number AS "originRunNumber",
          br.status AS "runStatus", br.type AS "runType", i.credit_reason AS "creditReason",
          CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object('id', o.id, 'number', o.number, 'invoiceDate', o.invoice_date::text,
            'billingRunId', o.billing_run_id) END AS "correctsInvoice", i.memo, ori.memo AS "runMemo",
          CASE WHEN i.vat_exchange_rate IS NOT NULL THEN json_build_object('currency', trim(i.vat_accounting_currency::text),
            'rate', i.vat_exchange_rate::text, 'rateDate', i.vat_exchange_rate_date::text) END AS "vatAccountingRate"
        FROM invoices i
        JOIN customer_accounts a ON a.id = i.account_id
        LEFT JOIN billing_runs br ON br.id = i.billing_run_id
        LEFT JOIN billing_runs ori ON ori.id = i.origin_run_id
        LEFT JOIN invoices o ON o.id = i.corrects_invoice_id AND o.tenant_id = i.tenant_id
        WHERE i.id = ${invoiceId}::uuid AND i.tenant_id = ${tenantId}`,
  );
  if (!found) throw notFound("Invoice");
  const { runStatus, runType, vatAccountingRate, ...invoice } = found;
  const [lines, vatBreakdown, statusHistory, credits, findings, comparison] = await Promise.all([
    invoice.correctsInvoice
      ? correctionLines(db, tenantId, invoiceId)
      : queryRows<InvoiceLineRow>(
      db,
      sql`SELECT l.id::text AS id, l.description, ch.code AS "chargeCode", ch.type AS "chargeType", l.subscription_id AS "subscriptionId",
            s.name AS "subscriptionName", l.quantity::text AS quantity, l.unit_price::text AS "unitPrice", l.amount::text AS amount,
            l.currency, l.vat_category AS "vatCategory", l.vat_rate::text AS "vatRate", l.period_start::text AS "periodStart",
            l.period_end::text AS "periodEnd", l.items_count AS "itemsCount"
          FROM invoice_lines l JOIN charges ch ON ch.id = l.charge_id LEFT JOIN subscriptions s ON s.id = l.subscription_id
          WHERE l.tenant_id = ${tenantId} AND l.billing_run_id = ${invoice.originRunId}::uuid AND l.account_id = ${invoice.accountId}::uuid
          ORDER BY l.id`,
    ),
    queryRows<VatBreakdownRow>(
      db,
      sql`SELECT vat_category AS "vatCategory", vat_rate::text AS "vatRate", taxable_amount::text AS "taxableAmount",
            tax_amount::text AS "taxAmount", exemption_reason AS "exemptionReason"
          FROM invoice_tax_subtotals WHERE invoice_id = ${invoiceId}::uuid AND tenant_id = ${tenantId} ORDER BY vat_category, vat_rate`,
    ),
    queryRows<StatusHistoryRow>(
      db,
      // the user's name and e-mail, the API key's name (of this tenant); anything else as recorded
      sql`SELECT h.from_status AS "fromStatus", h.to_status AS "toStatus", h.reason, h.actor,
            COALESCE(
              CASE WHEN u.id IS NOT NULL THEN COALESCE(NULLIF(u.name, '') || ' (' || u.email || ')', u.email) END,
              'API key ' || k.name,
              h.actor
            ) AS "actorName", ${iso("h.at")} AS at
          FROM invoice_status_history h
          LEFT JOIN "user" u ON h.actor LIKE 'user:%' AND u.id = substr(h.actor, 6)
          LEFT JOIN api_keys k ON h.actor LIKE 'api-key:%' AND k.tenant_id = ${tenantId} AND k.id::text = substr(h.actor, 9)
          WHERE h.invoice_id = ${invoiceId}::uuid AND h.tenant_id = ${tenantId} ORDER BY h.at, h.id`,
    ),
    creditSummary(db, tenantId, invoice),
    invoiceFindings(db, tenantId, invoiceId),
    invoiceComparison(db, tenantId, invoiceId),
  ]);
  return {
    ...withDates(invoice, ["postedAt", "createdAt"]),
    billingRunLabel: invoice.billingRunNumber === null ? null : formatRunNumber(invoice.billingRunNumber),
    originRunLabel: invoice.originRunNumber === null ? null : formatRunNumber(invoice.originRunNumber),
    lines,
    vatBreakdown,
    statusHistory: statusHistory.map((h) => withDates(h, ["at"])),
    // a correction credit note has no review actions (it is posted or discarded: credits)
    availableActions: runStatus && runType ? availableInvoiceActions({ status: runStatus, type: runType }, invoice.status) : [],
    /** a posted invoice's credit notes and what remains uncredited (null for drafts and credit notes) */
    credits,
    /** the rules the draft matched, with what they measured */
    findings,
    /** against the account's previous posted invoice, charge by charge */
    comparison,
    /**
     * BT-6 / BT-111 as fixed when the invoice was posted: the VAT total in the tenant's VAT accounting currency, with the
     * rate and its date; null while a draft and for an invoice in the accounting currency.
     */
    vatAccounting: vatAccountingRate
      ? { ...vatAccountingRate, taxTotal: vatTotalInAccountingCurrency(invoice.taxTotal, vatAccountingRate.rate, vatAccountingRate.currency) }
      : null,
    /** Why the invoice has no EN 16931 XML (its currency's minor unit), or null. */
    xmlProblem: en16931CurrencyProblem(invoice.currency),
  };
}

/** A correction credit note's lines, shaped like an invoice's (charge data from the credited line, if it still exists). */
function correctionLines(db: Queryable, tenantId: string, creditNoteId: string) {
  return queryRows<InvoiceLineRow>(
    db,
    sql`SELECT l.id::text AS id, l.description, coalesce(ch.code, '') AS "chargeCode", coalesce(ch.type::text, '') AS "chargeType",
          ol.subscription_id AS "subscriptionId", s.name AS "subscriptionName", l.quantity::text AS quantity, l.unit_price::text AS "unitPrice",
          l.amount::text AS amount, l.currency, l.vat_category AS "vatCategory", l.vat_rate::text AS "vatRate",
          l.period_start::text AS "periodStart", l.period_end::text AS "periodEnd", coalesce(ol.items_count, 0) AS "itemsCount"
        FROM credit_note_lines l
        JOIN invoices n ON n.id = l.credit_note_id
        JOIN invoices o ON o.id = n.corrects_invoice_id
        LEFT JOIN invoice_lines ol ON ol.billing_run_id = o.origin_run_id AND ol.account_id = o.account_id AND ol.id = l.invoice_line_id
        LEFT JOIN charges ch ON ch.id = ol.charge_id
        LEFT JOIN subscriptions s ON s.id = ol.subscription_id
        WHERE l.tenant_id = ${tenantId} AND l.credit_note_id = ${creditNoteId}::uuid
        ORDER BY l.id`,
  );
}

export type BulkResult = { invoiceId: string; number: string | null; outcome: "DONE" | "SKIPPED"; reason?: string };

function skipReason(action: string, status: string): string {
  if (status === "POSTED") return "posted invoices cannot be changed";
  if (status === "CANCELED") return "the invoice is canceled";
  if (action === "VALIDATE" && status === "DRAFT") return "already a draft (nothing to validate)";
  if (action === "REJECT" && status === "REJECTED") return "already rejected";
  return `not allowed for a ${status} invoice`;
}

/**
 * Validate / reject / quarantine / cancel a selection of invoices (ids) or every invoice matching a filter, on a run
 * in DRAFTS_READY. One transaction; the run row is locked so Post cannot start in between. Answers per invoice.
 */
export async function bulkInvoiceAction(db: Db, tenantId: string, rawInput: BulkActionInput, actor: Actor) {
  const input = bulkActionInput.parse(rawInput);
  const who = actorLabel(actor);
  return db.transaction(async (tx) => {
    const locked = await queryRows<{ id: string }>(
      tx,
      sql`SELECT id FROM billing_runs WHERE id = ${input.runId}::uuid AND tenant_id = ${tenantId} FOR UPDATE`,
    );
    if (!locked.length) throw notFound("Billing run");
    const run = await loadRun(tx, tenantId, input.runId);
    // The state machine's rule (runInvoiceActions): no invoice action outside review, no quarantine in a quarantine run.
    const runActions = runInvoiceActions(run);
    if (!runActions.length) {
      throw conflict(`${formatRunNumber(run.number)} is ${run.status}: invoice actions need a run with drafts ready for review`);
    }
    if (!runActions.includes(input.action)) {
      throw conflict(`${formatRunNumber(run.number)} is a quarantine run: its invoices cannot be quarantined again`);
    }
    const allowedFrom = INVOICE_ACTION_FROM[input.action];
    const targetWhere =
      "ids" in input.target
        ? sql`i.id = ANY(${uuidArray([...new Set(input.target.ids)])})`
        : sql.join([sql`TRUE`, ...filterSql(input.target.filter)], sql` AND `);
    const selected = await queryRows<{ id: string; number: string | null; status: InvoiceStatus; accountName: string }>(
      tx,
      sql`SELECT i.id::text, i.number, i.status, a.name AS "accountName" FROM invoices i JOIN customer_accounts a ON a.id = i.account_id
          WHERE i.tenant_id = ${tenantId} AND i.billing_run_id = ${run.id}::uuid AND ${targetWhere}
          ORDER BY a.name, i.id FOR UPDATE OF i`,
    );
    const results = new Map<string, BulkResult>();
    if ("ids" in input.target) {
      const found = new Set(selected.map((s) => s.id));
      for (const id of input.target.ids) {
        if (!found.has(id)) results.set(id, { invoiceId: id, number: null, outcome: "SKIPPED", reason: "not an invoice of this run" });
      }
    }
    const eligible = selected.filter((s) => allowedFrom.includes(s.status));
    for (const s of selected) {
      if (!allowedFrom.includes(s.status)) {
        results.set(s.id, { invoiceId: s.id, number: s.number, outcome: "SKIPPED", reason: skipReason(input.action, s.status) });
      }
    }
    const ids = eligible.map((e) => e.id);
    let doneIds: string[] = [];
    let quarantineRunId: string | undefined;
    if (ids.length) {
      const idsSql = uuidArray(ids);
      if (input.action === "VALIDATE" || input.action === "REJECT") {
        const to = input.action === "VALIDATE" ? "DRAFT" : "REJECTED";
        const reason = input.action === "VALIDATE" ? null : input.reason!;
        const historyReason = input.action === "VALIDATE" ? (input.reason ?? "Validated") : input.reason!;
        const rows = await queryRows<{ id: string }>(
          tx,
          sql`WITH prev AS (SELECT id, status FROM invoices WHERE id = ANY(${idsSql})),
              upd AS (
                UPDATE invoices i SET status = ${to}::invoice_status, reason = ${reason}, updated_at = now()
                FROM prev WHERE i.id = prev.id AND i.status::text = ANY(ARRAY[${sql.join(allowedFrom.map((s) => sql`${s}`), sql`, `)}]::text[])
                RETURNING i.id, prev.status AS from_status),
              h AS (INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, reason, actor)
                    SELECT ${tenantId}, id, from_status, ${to}::invoice_status, ${historyReason}, ${who} FROM upd RETURNING 1)
              SELECT id::text FROM upd`,
        );
        doneIds = rows.map((r) => r.id);
      } else if (input.action === "QUARANTINE") {
        const q = await quarantineInvoices(tx, run, sql`id = ANY(${idsSql})`, who);
        doneIds = q.ids;
        quarantineRunId = q.quarantineRunId;
        await refreshRunCounters(tx, q.quarantineRunId);
      } else {
        const c = await cancelInvoices(tx, tenantId, sql`billing_run_id = ${run.id}::uuid AND id = ANY(${idsSql})`, input.items!, who, input.reason ?? null);
        doneIds = c.ids;
      }
      await refreshRunCounters(tx, run.id);
    }
    const done = new Set(doneIds);
    const after = { VALIDATE: "DRAFT", REJECT: "REJECTED", QUARANTINE: "QUARANTINED", CANCEL: "CANCELED" }[input.action];
    await recordAuditMany(
      tx,
      { tenantId, actor, action: `invoice.${input.action.toLowerCase()}`, entityType: "invoice", data: { runId: run.id, reason: input.reason ?? null, quarantineRunId: quarantineRunId ?? null } },
      eligible.filter((e) => done.has(e.id)).map((e) => ({ entityId: e.id, before: { status: e.status }, after: { status: after } })),
    );
    for (const e of eligible) {
      results.set(
        e.id,
        done.has(e.id)
          ? { invoiceId: e.id, number: e.number, outcome: "DONE" }
          : { invoiceId: e.id, number: e.number, outcome: "SKIPPED", reason: "changed concurrently" },
      );
    }
    const selectedIds = new Set(selected.map((s) => s.id));
    const ordered = [...selected.map((s) => results.get(s.id)!), ...[...results.values()].filter((r) => !selectedIds.has(r.invoiceId))];
    // who each invoice is for, so a result reads "Acme GmbH — Done" (drafts have no number yet)
    const accountNames: Record<string, string> = Object.fromEntries(selected.map((s) => [s.id, s.accountName]));
    return { results: ordered, accountNames, quarantineRunId };
  });
}
