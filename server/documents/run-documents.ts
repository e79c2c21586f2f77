import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { documents } from "@/db/schema/documents";
import { engineOptions, errorMessage, INSTANCE_ID } from "@/server/billing/engine";
import { formatRunNumber } from "@/server/billing/run-list";
import { actorLabel, loadRun, type Actor } from "@/server/billing/runs-core";
import { availableActions } from "@/server/billing/state-machine";
import { conflict, DomainError } from "@/server/errors";
import { documentFileName, loadInvoiceDocument, type InvoiceDocument } from "./invoice-document";

// Bulk generation of a run's stored documents (PDF or XML of its POSTED invoices) as a background job.
// Decision: the JobDriver interface only knows run steps (LINES … CANCEL), so document jobs run in this process,
// fire-and-forget after the job row committed, exactly like the inline driver (driver = "inline"). Durability
// comes from the database: every chunk's documents are stored with ON CONFLICT DO NOTHING, so a re-run (or a
// new start after a crash, once the stale job is taken over) only generates what is still missing.
// Drafts are never stored: they are rendered on demand by the invoice file route.

export type DocumentKind = "PDF" | "XML";
export type StartRunDocumentsInput = { id: string; kind: DocumentKind };

export const runDocumentsOptions = {
  /** invoices per chunk (one INSERT and one progress update each) */
  chunkSize: Number(process.env.BILLRUN_DOCUMENT_CHUNK ?? 50),
};

const logEntry = (level: "info" | "warn" | "error", message: string) =>
  sql`jsonb_build_array(jsonb_build_object('at', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'level', ${level}::text, 'message', ${message}::text))`;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

type DocumentJob = { tenantId: string; runId: string; jobId: string; kind: DocumentKind };

const inflight = ((globalThis as unknown as { billrunDocumentJobs?: Set<Promise<void>> }).billrunDocumentJobs ??= new Set());

/** Tests and scripts: resolves when every document job started in this process has ended. */
export async function waitForRunDocuments(): Promise<void> {
  while (inflight.size) await Promise.allSettled([...inflight]);
}

/**
 * Starts "Generate PDF" / "Generate XML" for a run: refused unless the run offers the action; one running job per
 * (run, kind) — a second start while one runs is a CONFLICT. A RUNNING job without heartbeat is taken over.
 */
export async function startRunDocuments(db: Db, tenantId: string, actor: Actor, input: StartRunDocumentsInput) {
  const { id, kind } = input;
  if (kind !== "PDF" && kind !== "XML") throw new DomainError("BAD_REQUEST", `unknown document kind ${String(kind)}`);
  const run = await loadRun(db, tenantId, id);
  const label = formatRunNumber(run.number);
  if (!availableActions(run).includes(kind === "PDF" ? "GENERATE_PDF" : "GENERATE_XML")) {
    throw conflict(`${label} is ${run.status.toLowerCase().replace("_", " ")}: ${kind} documents can be generated once its drafts are ready or it is posted`);
  }
  const embedded = Boolean((db as unknown as { $client?: { dumpDataDir?: unknown } }).$client?.dumpDataDir);
  const staleMs = engineOptions.staleAfterMs.inline;
  const jobId = await db.transaction(async (tx) => {
    // take over an abandoned execution (no heartbeat; or, on the single-process embedded database, another instance's)
    await tx.execute(sql`UPDATE job_executions SET status = 'FAILED', ended_at = now(),
        error = 'abandoned: no heartbeat (the process running it stopped); taken over by a new start',
        log = log || ${logEntry("error", `abandoned; taken over by ${actorLabel(actor)}`)}
      WHERE billing_run_id = ${id}::uuid AND kind = ${kind}::job_kind AND status = 'RUNNING'
        AND (heartbeat_at < now() - make_interval(secs => ${staleMs / 1000})
          ${embedded ? sql`OR params->>'_instance' IS DISTINCT FROM ${INSTANCE_ID}` : sql``})`);
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO job_executions (tenant_id, billing_run_id, kind, driver, params, log)
          VALUES (${tenantId}, ${id}::uuid, ${kind}::job_kind, 'inline', ${JSON.stringify({ _instance: INSTANCE_ID })}::jsonb,
            ${logEntry("info", `generate ${kind} started by ${actorLabel(actor)}`)})
          ON CONFLICT DO NOTHING RETURNING id`,
    );
    return rows[0]?.id ?? null;
  });
  if (!jobId) {
    const [running] = await queryRows<{ done: number; total: number }>(
      db,
      sql`SELECT done, total FROM job_executions WHERE billing_run_id = ${id}::uuid AND kind = ${kind}::job_kind AND status = 'RUNNING' LIMIT 1`,
    );
    throw conflict(`${label} is already generating ${kind} documents${running ? ` (${running.done}/${running.total})` : ""}`);
  }
  const job: DocumentJob = { tenantId, runId: id, jobId, kind };
  const chain = runDocumentJob(db, job).finally(() => inflight.delete(chain));
  inflight.add(chain);
  return { started: true as const, jobId, kind, message: `${label}: generating ${kind} documents` };
}

/** POSTED invoices of the run that have no stored document of this kind. */
const missing = (job: DocumentJob) => sql`FROM invoices i
  WHERE i.billing_run_id = ${job.runId}::uuid AND i.tenant_id = ${job.tenantId} AND i.status = 'POSTED'
    AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.invoice_id = i.id AND d.kind = ${job.kind}::document_kind)`;

type Renderer = { render(doc: InvoiceDocument): Promise<Buffer>; close(): Promise<void> };

async function createRenderer(kind: DocumentKind): Promise<Renderer> {
  if (kind === "PDF") {
    const { createPdfPool } = await import("./pdf/pdf-pool");
    const pool = await createPdfPool();
    return { render: (doc) => pool.render(doc), close: () => pool.close() };
  }
  const { buildUblXml } = await import("./ubl/build-ubl");
  return {
    async render(doc) {
      await yieldToEventLoop();
      return Buffer.from(buildUblXml(doc), "utf8");
    },
    close: async () => {},
  };
}

async function stillRunning(db: Queryable, jobId: string): Promise<boolean> {
  const [row] = await queryRows<{ status: string }>(db, sql`SELECT status FROM job_executions WHERE id = ${jobId}::uuid`);
  return row?.status === "RUNNING";
}

async function runDocumentJob(db: Db, job: DocumentJob): Promise<void> {
  const beat = setInterval(() => void db.execute(sql`UPDATE job_executions SET heartbeat_at = now() WHERE id = ${job.jobId}::uuid`).catch(() => {}), 5_000);
  beat.unref?.();
  let renderer: Renderer | null = null;
  try {
    const [{ n: total }] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n ${missing(job)}`);
    await db.execute(sql`UPDATE job_executions SET total = ${total}, heartbeat_at = now(),
        log = log || ${logEntry("info", total ? `${total} posted invoices without a stored ${job.kind}` : `every posted invoice already has its ${job.kind}; drafts are rendered on demand`)}
      WHERE id = ${job.jobId}::uuid AND status = 'RUNNING'`);
    renderer = total ? await createRenderer(job.kind) : null;
    const ext = job.kind === "PDF" ? "pdf" : "xml";
    const contentType = job.kind === "PDF" ? "application/pdf" : "application/xml";
    let after = "00000000-0000-0000-0000-000000000000";
    let done = 0;
    let stored = 0;
    for (;;) {
      const ids = await queryRows<{ id: string }>(
        db,
        sql`SELECT i.id ${missing(job)} AND i.id > ${after}::uuid ORDER BY i.id LIMIT ${Math.max(1, runDocumentsOptions.chunkSize)}`,
      );
      if (!ids.length || !renderer) break;
      after = ids[ids.length - 1].id;
      if (!(await stillRunning(db, job.jobId))) return; // failed or taken over elsewhere: stop quietly
      const docs: InvoiceDocument[] = [];
      for (const { id } of ids) {
        const doc = await loadInvoiceDocument(db, job.tenantId, id);
        if (doc) docs.push(doc);
      }
      // the pool renders in parallel (worker threads); XML and the in-process renderer yield between documents
      const r = renderer;
      const files = await Promise.all(docs.map(async (doc) => ({ doc, content: await r.render(doc) })));
      const inserted = files.length
        ? await db
            .insert(documents)
            .values(
              files.map(({ doc, content }) => ({
                tenantId: job.tenantId,
                invoiceId: doc.id,
                kind: job.kind,
                fileName: documentFileName(doc, ext),
                contentType,
                content,
                sizeBytes: content.byteLength,
                sha256: createHash("sha256").update(content).digest("hex"),
              })),
            )
            .onConflictDoNothing()
            .returning({ id: documents.id })
        : [];
      done += ids.length;
      stored += inserted.length;
      await db.execute(sql`UPDATE job_executions SET done = ${Math.min(done, Math.max(total, done))}, total = GREATEST(total, ${done}),
          heartbeat_at = now(), log = log || ${logEntry("info", `${done}/${Math.max(total, done)}: ${inserted.length} ${job.kind} stored`)}
        WHERE id = ${job.jobId}::uuid AND status = 'RUNNING'`);
      await yieldToEventLoop();
    }
    await db.execute(sql`UPDATE job_executions SET status = 'SUCCEEDED', ended_at = now(), heartbeat_at = now(),
        log = log || ${logEntry("info", `done: ${stored} ${job.kind} document${stored === 1 ? "" : "s"} stored`)}
      WHERE id = ${job.jobId}::uuid AND status = 'RUNNING'`);
  } catch (error) {
    const message = errorMessage(error);
    console.error(`[documents] ${job.kind} job ${job.jobId} of run ${job.runId} failed:`, error);
    await db
      .execute(sql`UPDATE job_executions SET status = 'FAILED', ended_at = now(), error = ${message},
          log = log || ${logEntry("error", message)}
        WHERE id = ${job.jobId}::uuid AND status = 'RUNNING'`)
      .catch((e) => console.error("[documents] could not record the failure:", e));
  } finally {
    clearInterval(beat);
    await renderer?.close().catch(() => {});
  }
}
