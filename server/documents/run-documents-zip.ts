import { Readable } from "node:stream";
import { log } from "@/server/log";
import { ZipArchive } from "archiver";
import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { formatRunNumber } from "@/server/billing/run-list";
import { DomainError } from "@/server/errors";

// A run's stored documents (PDF and XML of its posted invoices) as one streamed ZIP: documents are read from the
// database in pages and appended as the reader consumes the archive; nothing is built in memory.

type StoredDocument = { invoiceId: string; kind: "PDF" | "XML"; fileName: string; content: Buffer | Uint8Array };

export const zipPageSize = { value: 50 };

/**
 * null when the run is not the tenant's. Entries are named "pdf/<file>" and "xml/<file>". A run without stored
 * documents (of that kind) is refused with PRECONDITION_FAILED saying what to generate, never an empty archive.
 */
export async function streamRunDocumentsZip(
  db: Queryable,
  tenantId: string,
  runId: string,
  kind?: "PDF" | "XML",
): Promise<{ fileName: string; stream: ReadableStream<Uint8Array> } | null> {
  const [run] = await queryRows<{ number: number }>(db, sql`SELECT number FROM billing_runs WHERE id = ${runId}::uuid AND tenant_id = ${tenantId}`);
  if (!run) return null;
  const kindFilter = kind ? sql`AND d.kind = ${kind}::document_kind` : sql``;
  const [stored] = await queryRows<{ any: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM documents d JOIN invoices i ON i.id = d.invoice_id
          WHERE d.tenant_id = ${tenantId} AND i.tenant_id = ${tenantId} AND i.billing_run_id = ${runId}::uuid ${kindFilter}) AS any`,
  );
  if (!stored.any) throw new DomainError("PRECONDITION_FAILED", noDocumentsMessage(kind));

  const archive = new ZipArchive({ zlib: { level: 6 } });
  let processed = 0;
  let stopped = false;
  let waiting: (() => void) | null = null;
  archive.on("entry", () => {
    processed += 1;
    waiting?.();
  });
  const stop = () => {
    stopped = true;
    waiting?.();
  };
  archive.on("close", stop);
  archive.on("error", stop);

  // One page at a time; waits until archiver consumed the page (which waits for the reader) before the next.
  const feed = async () => {
    let afterKind = "";
    let afterInvoice = "00000000-0000-0000-0000-000000000000";
    let appended = 0;
    for (;;) {
      const rows = await queryRows<StoredDocument>(
        db,
        sql`SELECT d.invoice_id AS "invoiceId", d.kind::text AS kind, d.file_name AS "fileName", d.content
            FROM documents d JOIN invoices i ON i.id = d.invoice_id
            WHERE d.tenant_id = ${tenantId} AND i.tenant_id = ${tenantId} AND i.billing_run_id = ${runId}::uuid ${kindFilter}
              AND (d.kind::text, d.invoice_id) > (${afterKind}::text, ${afterInvoice}::uuid)
            ORDER BY d.kind::text, d.invoice_id LIMIT ${zipPageSize.value}`,
      );
      for (const row of rows) {
        archive.append(Buffer.from(row.content), { name: `${row.kind.toLowerCase()}/${row.fileName}` });
        appended += 1;
      }
      if (rows.length) {
        const last = rows[rows.length - 1];
        afterKind = last.kind;
        afterInvoice = last.invoiceId;
      }
      while (processed < appended && !stopped) await new Promise<void>((resolve) => (waiting = resolve));
      waiting = null;
      if (stopped) return; // the reader went away
      if (rows.length < zipPageSize.value) break;
    }
    await archive.finalize();
  };
  feed().catch((error) => {
    log.error({ runId, err: String(error) }, "run documents ZIP failed");
    archive.destroy(error instanceof Error ? error : new Error(String(error)));
  });

  const fileName = `${formatRunNumber(run.number)}-documents${kind ? `-${kind.toLowerCase()}` : ""}.zip`;
  return { fileName, stream: Readable.toWeb(archive) as unknown as ReadableStream<Uint8Array> };
}

export function noDocumentsMessage(kind?: "PDF" | "XML"): string {
  return kind
    ? `No ${kind} documents have been generated for this run yet: use Generate ${kind} first, then download.`
    : "No documents have been generated for this run yet: use Generate PDF or Generate XML first, then download.";
}
