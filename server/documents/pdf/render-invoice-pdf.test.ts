import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DOCUMENT_LANGUAGES } from "../i18n/languages";
import { manyLines, sampleDocument } from "../sample-documents";
import { createInProcessRenderer, createPdfPool } from "./pdf-pool";
import { pdfPageCount, renderInvoicePdf } from "./render-invoice-pdf";

function which(cmd: string): boolean {
  try {
    execFileSync("which", [cmd], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const hasPdftotext = which("pdftotext");
if (!hasPdftotext) console.warn("[pdf tests] SKIPPED text checks: pdftotext not found (apt-get install -y poppler-utils)");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "billrun-pdf-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function pdfText(pdf: Buffer, ...args: string[]): string {
  const file = path.join(tmp, `${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync("pdftotext", ["-layout", ...args, file, "-"], { encoding: "utf8" });
}
const pageCount = (pdf: Buffer) => (pdfText(pdf).match(/\f/g) ?? []).length;

describe("renderInvoicePdf", () => {
  it("produces a PDF", async () => {
    const pdf = await renderInvoicePdf(sampleDocument());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it.skipIf(!hasPdftotext)("shows number, dates, totals, seller VAT id and an accented buyer name", async () => {
    const text = pdfText(await renderInvoicePdf(sampleDocument({ buyer: { name: "Zoë Ångström — Ольга" } })));
    expect(text).toContain("INV-2026-000123");
    expect(text).toContain("Zoë Ångström — Ольга");
    expect(text).toContain("Łódź");
    expect(text).toContain("VAT ID DE123456789");
    expect(text).toContain("DE89 3704 0044 0532 0130 00");
    expect(text).toContain("1 Nov 2026");
    expect(text).toMatch(/Total excl\. VAT\s+€214\.43/);
    expect(text).toMatch(/Total\s+€255\.17/);
    expect(text).toContain("Page 1 of 1");
    expect(text).not.toContain("DRAFT");
  });

  it.skipIf(!hasPdftotext || !fs.existsSync("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))(
    "renders Greek through the fallback font",
    async () => {
      const text = pdfText(await renderInvoicePdf(sampleDocument({ buyer: { name: "Ελληνική Εταιρεία" } })));
      expect(text).toContain("Ελληνική Εταιρεία");
    },
  );

  it.skipIf(!fs.existsSync("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))(
    "a Latin-script invoice embeds only its own font in every language (Intl's thin spaces would pull in the fallback)",
    async () => {
      for (const language of DOCUMENT_LANGUAGES) {
        const pdf = await renderInvoicePdf(sampleDocument({ language, lines: manyLines(4, 1) }));
        const fonts = [...pdf.toString("latin1").matchAll(/\/BaseFont \/[A-Z]{6}\+([\w-]+)/g)].map((m) => m[1]);
        expect({ language, fonts: [...new Set(fonts)].sort() }).toEqual({ language, fonts: ["Geist-Bold", "Geist-Regular"] });
      }
    },
  );

  it.skipIf(!hasPdftotext)("watermarks drafts and shows no number", async () => {
    const text = pdfText(await renderInvoicePdf(sampleDocument({ status: "DRAFT" })));
    expect(text).toContain("DRAFT");
    expect(text).toContain("not numbered");
    expect(text).not.toContain("INV-2026");
  });

  it.skipIf(!hasPdftotext)("shows a credit note with positive amounts", async () => {
    const text = pdfText(await renderInvoicePdf(sampleDocument({ type: "CREDIT_NOTE" })));
    expect(text).toContain("Credit note");
    expect(text).toContain("CN-2026-000007");
    expect(text).toMatch(/Total credited\s+€255\.17/);
    expect(text).not.toMatch(/-€/);
  });

  it.skipIf(!hasPdftotext)(
    "flows 250 lines onto several pages with the table header repeated",
    async () => {
      const pdf = await renderInvoicePdf(sampleDocument({ lines: manyLines(250) }));
      const pages = pageCount(pdf);
      expect(pages).toBeGreaterThanOrEqual(2);
      for (let p = 1; p <= pages; p++) {
        const text = pdfText(pdf, "-f", String(p), "-l", String(p));
        expect(text).toContain(`Page ${p} of ${pages}`);
        if (p < pages) expect(text).toMatch(/Description\s+Period\s+Qty\s+Unit price\s+VAT\s+Amount/);
      }
      const all = pdfText(pdf);
      expect(all).toContain("Usage 1:");
      expect(all).toContain("Usage 250:");
    },
    60_000,
  );
});

describe("page numbers", () => {
  it.skipIf(!hasPdftotext)("a few lines that still overflow one page get real page numbers (the single-page guess is checked)", async () => {
    const long = "Managed service with a very long description that wraps over several lines of the table. ".repeat(12);
    const lines = manyLines(12).map((line) => ({ ...line, description: `${line.description} ${long}` }));
    const pdf = await renderInvoicePdf(sampleDocument({ lines }));
    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pdfPageCount(pdf)).toBe(pages);
    expect(pdfText(pdf, "-f", "1", "-l", "1")).toContain(`Page 1 of ${pages}`);
    expect(pdfText(pdf, "-f", String(pages), "-l", String(pages))).toContain(`Page ${pages} of ${pages}`);
  }, 60_000);

  it.skipIf(!hasPdftotext)("text extracts exactly: no ligature glyphs, Latin letters stay Latin", async () => {
    const pdf = await renderInvoicePdf(sampleDocument({ buyer: { name: "Office fluff & affine fixtures" } }));
    expect(pdfPageCount(pdf)).toBe(1);
    // rendered after documents with Cyrillic names ("Ольга"): the Latin O still extracts as Latin
    expect(pdfText(pdf)).toContain("Office fluff & affine fixtures");
  });
});

describe("PDF renderers", () => {
  it("the in-process renderer and the pool render the same documents", async () => {
    const inProcess = createInProcessRenderer();
    const pool = await createPdfPool({ size: 2 });
    try {
      const docs = [sampleDocument(), sampleDocument({ status: "DRAFT" }), sampleDocument({ type: "CREDIT_NOTE" })];
      const results = await Promise.all([...docs.map((d) => pool.render(d)), ...docs.map((d) => inProcess.render(d))]);
      for (const pdf of results) expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    } finally {
      await pool.close();
      await inProcess.close();
    }
  }, 60_000);
});
