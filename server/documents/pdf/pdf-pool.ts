import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { InvoiceDocument } from "../invoice-document";
import { renderInvoicePdf } from "./render-invoice-pdf";
import { log } from "@/server/log";
import { runtime } from "@/server/runtime";

/**
 * PDF rendering for whole runs. react-pdf is CPU-bound (~45 ms per page), so renders go to worker threads
 * (min(2, cpus)); every renderer yields to the event loop between documents, which keeps the heap flat.
 *
 * Decision: the worker entry is TypeScript (pdf-worker.ts, it imports the .tsx template). Plain Node cannot
 * load it, and on Node 20 worker threads do not inherit tsx's --import hooks, so a tiny eval'd bootstrap
 * registers tsx's ESM API inside the worker when tsx is installed (dev dependency: scripts, benchmarks,
 * `next dev`). Where tsx is absent (production install) or the entry file is not on disk (bundled server),
 * the pool probes the workers once and falls back to in-process rendering: same output, one core.
 * PDF_WORKERS=0 forces in-process; PDF_WORKER_ENTRY points at another (e.g. compiled) entry file.
 */

export type PdfRenderer = {
  /** in the document's language (doc.language) */
  render(doc: InvoiceDocument): Promise<Buffer>;
  /** number of worker threads; 0 = in-process */
  readonly workers: number;
  close(): Promise<void>;
};

export type PdfPoolOptions = { size?: number; entry?: string; startTimeoutMs?: number };

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function defaultPoolSize(): number {
  return runtime().settings.documents.pdfWorkers ?? Math.min(2, os.availableParallelism?.() ?? os.cpus().length);
}

/** Renders one document at a time in this thread. */
export function createInProcessRenderer(): PdfRenderer {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    workers: 0,
    render(doc) {
      const result = chain.then(async () => {
        await yieldToEventLoop();
        return renderInvoicePdf(doc);
      });
      chain = result.catch(() => undefined);
      return result;
    },
    close: async () => {
      await chain;
    },
  };
}

type Pending = { id: number; doc: InvoiceDocument; resolve: (b: Buffer) => void; reject: (e: Error) => void };
type Slot = { worker: Worker; busy: Pending | null };
type WorkerMessage = { ready?: true; id?: number; pdf?: Uint8Array; error?: string };

/** A pool of worker threads, or the in-process renderer when workers cannot start here. */
export async function createPdfPool(options: PdfPoolOptions = {}): Promise<PdfRenderer> {
  const size = options.size ?? defaultPoolSize();
  if (size <= 0) return createInProcessRenderer();
  const entry = options.entry ?? runtime().settings.documents.pdfWorkerEntry ?? path.join(process.cwd(), "server/documents/pdf/pdf-worker.ts");
  const timeout = options.startTimeoutMs ?? 20_000;

  let slots: Slot[];
  try {
    slots = await Promise.all(Array.from({ length: size }, () => startWorker(entry, timeout)));
  } catch (error) {
    log.info({ err: (error as Error).message.split("\n")[0] }, "PDF worker threads unavailable: rendering in-process");
    return createInProcessRenderer();
  }

  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const dispatch = () => {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0) continue;
      const job = queue.shift()!;
      slot.busy = job;
      slot.worker.postMessage({ id: job.id, doc: job.doc });
    }
  };

  const attach = (slot: Slot) => {
    slot.worker.on("message", (msg: WorkerMessage) => {
      const job = slot.busy;
      if (!job || msg.id !== job.id) return;
      slot.busy = null;
      if (msg.pdf) job.resolve(Buffer.from(msg.pdf.buffer, msg.pdf.byteOffset, msg.pdf.byteLength));
      else job.reject(new Error(`PDF render failed: ${msg.error ?? "unknown error"}`));
      dispatch();
    });
    const fail = (error: Error) => {
      const job = slot.busy;
      slot.busy = null;
      job?.reject(new Error(`PDF worker died: ${error.message}`));
      if (closed) return;
      // replace the dead worker so the pool keeps its size
      startWorker(entry, timeout).then(
        (fresh) => {
          slots[slots.indexOf(slot)] = fresh;
          attach(fresh);
          dispatch();
        },
        () => undefined,
      );
    };
    slot.worker.on("error", fail);
    slot.worker.on("exit", (code) => {
      if (!closed) fail(new Error(`exit code ${code}`));
    });
  };
  slots.forEach(attach);

  return {
    workers: size,
    render(doc) {
      if (closed) return Promise.reject(new Error("PDF pool is closed"));
      return new Promise<Buffer>((resolve, reject) => {
        queue.push({ id: nextId++, doc, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error("PDF pool is closed"));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

// Runs as CommonJS inside the worker: imports the TypeScript entry through tsx's API (the --import hooks
// of the parent process do not reach worker threads on Node 20).
const TS_BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
import(workerData.tsxApi)
  .then((tsx) => tsx.tsImport(workerData.entry, workerData.parentURL))
  .catch((error) => { setImmediate(() => { throw error; }); });
`;

/**
 * What a render allocates (layout boxes, glyph runs, font subsets) dies with its document: a larger young generation
 * than V8's default lets more of it die there instead of being copied and promoted (garbage collection was ~12 % of a
 * render's CPU profile). Measured here in the same hour, alternating, 3 × 1,000 PDFs through the pool: 37.9–47.0 vs
 * 34.7–39.1 PDFs/s, peak RSS ~860–980 vs ~760 MB.
 */
const WORKER_YOUNG_GENERATION_MB = 192;

function spawn(entry: string): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
  if (!/\.(ts|tsx|mts)$/.test(entry)) return new Worker(entry, { resourceLimits });
  const projectRequire = createRequire(path.join(process.cwd(), "package.json"));
  // the ESM build of tsx/esm/api sits beside the CommonJS one that require.resolve finds
  const tsxApi = projectRequire.resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs"); // throws when tsx is absent
  const parentURL = pathToFileURL(path.join(process.cwd(), "package.json")).href;
  return new Worker(TS_BOOTSTRAP, {
    eval: true,
    resourceLimits,
    workerData: { tsxApi: pathToFileURL(tsxApi).href, entry: pathToFileURL(entry).href, parentURL },
  });
}

function startWorker(entry: string, timeoutMs: number): Promise<Slot> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = spawn(entry);
    } catch (error) {
      reject(error as Error);
      return;
    }
    const timer = setTimeout(() => {
      cleanup();
      void worker.terminate();
      reject(new Error(`worker did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (msg: WorkerMessage) => {
      if (!msg.ready) return;
      cleanup();
      resolve({ worker, busy: null });
    };
    const onError = (error: Error) => {
      cleanup();
      void worker.terminate();
      reject(error);
    };
    const onExit = (code: number) => onError(new Error(`worker exited with code ${code} before it was ready`));
    const cleanup = () => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}
