import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import type { DocumentJobWork, JobLogLine } from "./document-jobs";
import { plural } from "@/lib/format";
import { loadInvoiceDocuments } from "./invoice-document";
import { createDocumentRenderer, storeInvoiceDocuments, type DocumentRenderer, type StoredDocumentKind } from "./stored-documents";
import { EN16931_MAX_DECIMALS, en16931CurrencyProblem } from "./ubl/en16931-currency";

// Generate PDF / Generate XML: store the document of every POSTED invoice of the run that has none yet.
// Drafts are never stored: the invoice file route renders them on demand (watermarked).

/** XML is only made for currencies EN 16931 can express (at most 2 decimals); the others are skipped and logged. */
const xmlPossible = sql`currency_exponent(i.currency::text) <= ${EN16931_MAX_DECIMALS}`;

async function skippedCurrencies(db: Queryable, runId: string, tenantId: string): Promise<JobLogLine[]> {
  const rows = await queryRows<{ currency: string; n: number }>(
    db,
    sql`SELECT i.currency::text AS currency, count(*)::int AS n FROM invoices i
        WHERE i.billing_run_id = ${runId}::uuid AND i.tenant_id = ${tenantId} AND i.status = 'POSTED' AND NOT (${xmlPossible})
        GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((r) => ({
    level: "warn" as const,
    message: `${plural(r.n, "posted invoice")} in ${r.currency} skipped: ${en16931CurrencyProblem(r.currency)}, so no EN 16931 XML can be made (their PDFs are available)`,
  }));
}

export function documentWork(kind: StoredDocumentKind): DocumentJobWork {
  return {
    pending: () =>
      sql`NOT EXISTS (SELECT 1 FROM documents d WHERE d.invoice_id = i.id AND d.kind = ${kind}::document_kind)
          ${kind === "XML" ? sql`AND ${xmlPossible}` : sql``}`,

    async planNotes(db, job, total) {
      const notes: JobLogLine[] = [
        {
          level: "info",
          message: total
            ? `${plural(total, "posted invoice")} without a stored ${kind}`
            : `every posted invoice already has its ${kind}; drafts are rendered on demand`,
        },
      ];
      if (kind === "XML") notes.push(...(await skippedCurrencies(db, job.runId, job.tenantId)));
      return notes;
    },

    async open(db, job) {
      let renderer: DocumentRenderer | null = null;
      return {
        async process(ids) {
          const docs = await loadInvoiceDocuments(db, job.tenantId, ids);
          renderer ??= await createDocumentRenderer(kind);
          const stored = await storeInvoiceDocuments(db, job.tenantId, kind, docs, renderer);
          return [{ level: "info", message: `${stored} ${kind} stored` }];
        },
        close: async () => {
          await renderer?.close();
        },
      };
    },

    async summary(db, job, remaining) {
      const [{ n }] = await queryRows<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM documents d JOIN invoices i ON i.id = d.invoice_id
            WHERE i.billing_run_id = ${job.runId}::uuid AND d.tenant_id = ${job.tenantId} AND d.kind = ${kind}::document_kind
              AND d.created_at >= (SELECT started_at FROM job_executions WHERE id = ${job.jobId}::uuid)`,
      );
      const message = `done: ${plural(n, `${kind} document`)} stored`;
      return remaining ? { message, failure: `${plural(remaining, "posted invoice")} still without a stored ${kind}` } : { message };
    },
  };
}
