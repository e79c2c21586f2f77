import { sql, type SQL } from "drizzle-orm";
import { recordInvoicesPosted } from "@/server/outbox/outbox";
import { queryRows, type Tx } from "@/db/client";
import { allocateNumbers, type RunRow } from "../runs-core";
import { fixVatAccounting, vatAccountingCurrencyFrom } from "../vat-accounting";
import { chunkAccounts, inRange, type Chunk, type ChunkResult } from "./chunks";

// POSTING: gapless numbers from the tenant's sequences, in the same transaction that posts the invoices.

type NumberFormat = { before: string; after: string; width: number; yearly: boolean };

export function parseNumberFormat(format: string): NumberFormat {
  const match = /\{SEQ(?::(\d{1,2}))?\}/.exec(format);
  const yearly = format.includes("{YYYY}");
  if (!match) return { before: format, after: "", width: 6, yearly };
  return {
    before: format.slice(0, match.index),
    after: format.slice(match.index + match[0].length),
    width: match[1] ? Number(match[1]) : 1,
    yearly,
  };
}

/** Formats a number in JS (same result as the SQL used at posting; used by tests and previews). */
export function formatDocumentNumber(format: string, seq: number, year: string): string {
  const f = parseNumberFormat(format);
  const s = String(seq);
  return f.before.replaceAll("{YYYY}", year) + (s.length >= f.width ? s : s.padStart(f.width, "0")) + f.after.replaceAll("{YYYY}", year);
}

function numberSql(format: NumberFormat, seq: SQL, year: SQL): SQL {
  return sql`replace(${f(format.before)}, '{YYYY}', ${year})
    || CASE WHEN length((${seq})::text) >= ${format.width}::int THEN (${seq})::text ELSE lpad((${seq})::text, ${format.width}::int, '0') END
    || replace(${f(format.after)}, '{YYYY}', ${year})`;
  function f(s: string) {
    return sql`${s}::text`;
  }
}

export async function postingChunk(tx: Tx, run: RunRow, chunk: Chunk): Promise<ChunkResult> {
  const [profile] = await queryRows<{ invoice_format: string; credit_format: string }>(
    tx,
    sql`SELECT invoice_number_format AS invoice_format, credit_note_number_format AS credit_format
        FROM tenant_profiles WHERE tenant_id = ${run.tenantId}`,
  );
  const formats = {
    INVOICE: parseNumberFormat(profile?.invoice_format ?? "INV-{YYYY}-{SEQ:6}"),
    CREDIT_NOTE: parseNumberFormat(profile?.credit_format ?? "CN-{YYYY}-{SEQ:6}"),
  };
  // Lock exactly the invoices this chunk posts (a duplicate worker waits and then finds them posted), record their
  // posting in the history and put them in numbering order (by customer name): work that needs no number, done before
  // the tenant's number sequence is locked, so that another chunk can post meanwhile. The order is kept in a table
  // of this transaction, listed in the invoices' physical order (by account), which the numbering UPDATE follows.
  await tx.execute(sql`CREATE TEMP TABLE posting_order (id uuid NOT NULL, type invoice_type NOT NULL, year text NOT NULL, ord bigint NOT NULL)
    ON COMMIT DROP`);
  const groups = await queryRows<{ type: "INVOICE" | "CREDIT_NOTE"; year: string; n: number }>(
    tx,
    sql`WITH locked AS (
          SELECT i.id, i.type, i.status, to_char(i.invoice_date, 'YYYY') AS year, a.name, i.account_id
          FROM invoices i JOIN customer_accounts a ON a.id = i.account_id AND ${chunkAccounts(run, chunk)}
          WHERE i.tenant_id = ${run.tenantId} AND i.billing_run_id = ${run.id}::uuid AND i.status IN ('DRAFT', 'SUSPECT')
            AND ${inRange(sql`i.account_id`, chunk)}
          FOR UPDATE OF i),
        ordered AS (
          INSERT INTO posting_order (id, type, year, ord)
          SELECT id, type, year, row_number() OVER (PARTITION BY type, year ORDER BY name, account_id) FROM locked
          ORDER BY account_id),
        history AS (
          INSERT INTO invoice_status_history (tenant_id, invoice_id, from_status, to_status, actor)
          SELECT ${run.tenantId}, id, status, 'POSTED', 'system' FROM locked RETURNING 1)
        SELECT type, year, count(*)::int AS n FROM locked GROUP BY type, year ORDER BY type, year`,
  );
  let posted = 0;
  for (const g of groups) {
    const format = formats[g.type];
    const period = format.yearly ? g.year : "";
    const first = await allocateNumbers(tx, run.tenantId, g.type, period, g.n);
    // The chunk's invoices are reached through the (run, account) index, not by id over the whole table.
    const [res] = await queryRows<{ n: number }>(
      tx,
      sql`WITH upd AS (
            UPDATE invoices i SET status = 'POSTED', number = ${numberSql(format, sql`${first}::bigint - 1 + o.ord`, sql`${g.year}::text`)},
              posted_at = now(), updated_at = now(), ${fixVatAccounting(sql`i.invoice_date`)}
            FROM posting_order o, ${vatAccountingCurrencyFrom(run.tenantId)}
            WHERE o.type = ${g.type}::invoice_type AND o.year = ${g.year} AND i.id = o.id
              AND i.billing_run_id = ${run.id}::uuid AND ${inRange(sql`i.account_id`, chunk)}
            RETURNING 1)
          SELECT count(*)::int AS n FROM upd`,
    );
    // Gapless: every allocated number must have been used, else roll the whole chunk back.
    if (res.n !== g.n) throw new Error(`posting allocated ${g.n} ${g.type} numbers but posted ${res.n}; rolled back`);
    posted += res.n;
  }
  // The fact leaves the system through the outbox, written with the posting it announces.
  await recordInvoicesPosted(tx, run.tenantId, run.id);
  return { done: chunk.size, log: `chunk ${chunk.no + 1}: ${posted} invoices posted` };
}
