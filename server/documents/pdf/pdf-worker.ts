import { parentPort } from "node:worker_threads";
import type { InvoiceDocument } from "../invoice-document";
import { renderInvoicePdf } from "./render-invoice-pdf";

// Worker-thread entry of pdf-pool.ts: renders one document per message, one at a time.
type Job = { id: number; doc: InvoiceDocument };

const port = parentPort;
if (!port) throw new Error("pdf-worker must run in a worker thread");

port.on("message", async (job: Job) => {
  try {
    const pdf = await renderInvoicePdf(job.doc);
    // let react-pdf's pending callbacks and the GC run before the next document (else the heap grows per PDF)
    await new Promise((resolve) => setImmediate(resolve));
    const bytes = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength).slice();
    port.postMessage({ id: job.id, pdf: bytes }, [bytes.buffer]);
  } catch (error) {
    port.postMessage({ id: job.id, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
port.postMessage({ ready: true });
