import type { Db } from "@/db/client";
import { heartbeat } from "@/server/billing/engine";
import {
  createDocumentJob,
  failDocumentJob,
  finishDocumentJob,
  planDocumentJob,
  runDocumentChunk,
  workFor,
  type DocumentJobKind,
  type DocumentJobRef,
  type DocumentJobSession,
} from "./document-jobs";

// Where a document job runs: the Inngest functions (inngest/functions/run-documents*.ts) when Inngest is configured,
// otherwise in this process (the inline dispatcher, fire-and-forget after the job row committed).

export interface DocumentJobDispatcher {
  readonly name: "inline" | "inngest";
  start(db: Db, job: DocumentJobRef): Promise<void>;
}

const holder = globalThis as unknown as { billrunDocumentJobDispatcher?: DocumentJobDispatcher | null; billrunDocumentJobs?: Set<Promise<void>> };
const inflight = (holder.billrunDocumentJobs ??= new Set());

/** Tests may force a dispatcher; otherwise Inngest when configured, else inline. */
export function setDocumentJobDispatcher(dispatcher: DocumentJobDispatcher | null) {
  holder.billrunDocumentJobDispatcher = dispatcher;
}

async function getDispatcher(): Promise<DocumentJobDispatcher> {
  if (holder.billrunDocumentJobDispatcher) return holder.billrunDocumentJobDispatcher;
  const { inngestConfigured } = await import("@/inngest/client");
  holder.billrunDocumentJobDispatcher = inngestConfigured() ? (await import("./inngest-dispatcher")).inngestDocumentJobDispatcher : inlineDocumentJobDispatcher;
  return holder.billrunDocumentJobDispatcher;
}

/**
 * Creates the job (null when one of the kind already runs for the run) and hands it to the dispatcher. If the hand-over
 * fails (e.g. Inngest unreachable), the job is marked FAILED with that error and the error is rethrown.
 */
export async function startDocumentJob(
  db: Db,
  o: { tenantId: string; runId: string; kind: DocumentJobKind; message: string },
): Promise<(DocumentJobRef & { driver: "inline" | "inngest" }) | null> {
  const dispatcher = await getDispatcher();
  const job = await createDocumentJob(db, { ...o, driver: dispatcher.name });
  if (!job) return null;
  try {
    await dispatcher.start(db, job);
  } catch (error) {
    await failDocumentJob(db, job, error).catch((e) => console.error("[documents] could not record the failure:", e));
    throw error;
  }
  return { ...job, driver: dispatcher.name };
}

/** Tests and scripts: resolves when every document job started in this process has ended. */
export async function waitForDocumentJobs(): Promise<void> {
  while (inflight.size) await Promise.allSettled([...inflight]);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Plan → chunks → finish in this process, with one session (e.g. one PDF pool) for the whole job. */
async function runInline(db: Db, job: DocumentJobRef): Promise<void> {
  const beat = setInterval(() => void heartbeat(db, job.jobId).catch(() => {}), 5_000);
  beat.unref?.();
  let session: DocumentJobSession | null = null;
  try {
    const plan = await planDocumentJob(db, job);
    if (!plan.running) return;
    if (plan.chunks.length) session = await (await workFor(job.kind)).open(db, job);
    for (const chunk of plan.chunks) {
      const result = await runDocumentChunk(db, job, chunk, session ?? undefined);
      if (result.abandoned) return; // failed or taken over elsewhere: stop quietly
      await yieldToEventLoop();
    }
    await finishDocumentJob(db, job);
  } catch (error) {
    console.error(`[documents] ${job.kind} job ${job.jobId} of run ${job.runId} failed:`, error);
    await failDocumentJob(db, job, error).catch((e) => console.error("[documents] could not record the failure:", e));
  } finally {
    clearInterval(beat);
    await session?.close().catch(() => {});
  }
}

export const inlineDocumentJobDispatcher: DocumentJobDispatcher = {
  name: "inline",
  async start(db, job) {
    const chain = runInline(db, job).finally(() => inflight.delete(chain));
    inflight.add(chain);
  },
};
