/**
 * Document throughput: `tsx bench/documents.ts --invoices 2000`.
 * Renders N PDFs through the worker pool and N UBL XMLs from synthetic invoices, then prints one JSON line
 * {"pdf_per_s", "xml_per_s", "peak_rss_mb", "workers"}. Worker threads live in this process, so the sampled
 * process RSS includes them.
 */
import { composeRuntime } from "@/composition-root";
import { createPdfPool } from "@/server/documents/pdf/pdf-pool";
import { manyLines, sampleDocument } from "@/server/documents/sample-documents";
import { buildUblXml } from "@/server/documents/ubl/build-ubl";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

async function main() {
  composeRuntime({ outbox: "off" }); // settings (PDF_WORKERS…) validated and passed the one way
  const n = arg("invoices", 2000);
  const linesPerInvoice = arg("lines", 8);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);

  // built lazily: holding N documents in memory would skew the RSS figure
  const doc = (i: number) =>
    sampleDocument({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, number: `INV-2026-${String(i + 1).padStart(6, "0")}`, lines: manyLines(linesPerInvoice, i) });

  let xmlBytes = 0;
  const xmlStart = performance.now();
  for (let i = 0; i < n; i++) xmlBytes += buildUblXml(doc(i)).length;
  const xmlSeconds = (performance.now() - xmlStart) / 1000;

  const pool = await createPdfPool();
  const pdfStart = performance.now();
  let pdfBytes = 0;
  let next = 0;
  // keep each worker fed with two documents, never the whole batch in flight
  const inFlight = Math.max(1, pool.workers) * 2;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const pdf = await pool.render(doc(next++));
        pdfBytes += pdf.length;
      }
    }),
  );
  const pdfSeconds = (performance.now() - pdfStart) / 1000;
  await pool.close();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  console.error(
    `[bench] ${n} invoices × ${linesPerInvoice} lines: XML ${xmlSeconds.toFixed(2)} s (${(xmlBytes / n / 1024).toFixed(1)} KiB avg), ` +
      `PDF ${pdfSeconds.toFixed(2)} s (${(pdfBytes / n / 1024).toFixed(1)} KiB avg)`,
  );
  console.log(
    JSON.stringify({
      pdf_per_s: Number((n / pdfSeconds).toFixed(1)),
      xml_per_s: Number((n / xmlSeconds).toFixed(1)),
      peak_rss_mb: Number((peakRss / 1024 / 1024).toFixed(1)),
      workers: pool.workers,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
