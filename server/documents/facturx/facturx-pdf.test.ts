import {
  PDFArray,
  PDFDict,
  PDFName,
  PDFDocument,
  PDFRawStream,
  decodePDFRawStream,
} from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import {
  flavourFilesFound,
  flavourSkipReason,
  formatFindings,
  loadCiiSef,
  validateEinvoice,
} from "@/tests/support/einvoice";
import { renderInvoicePdf } from "../pdf/render-invoice-pdf";
import { sampleDocument } from "../sample-documents";
import { FACTURX_FILE_NAME, extractFacturX } from "./embed-facturx";
import { finishInvoicePdf } from "./facturx-pdf";

// Factur-X: the XML is extracted back out of the PDF and validated (CII D16B XSD + EN 16931 CII rules); what PDF/A-3
// asks for and can be checked offline is checked here (embedded fonts, XMP with pdfaid and the Factur-X extension
// schema, output intent, the attachment's AFRelationship and /AF). PDF/A conformance itself has no offline validator
// here (veraPDF is not available), so it is not claimed.

const facturx = sampleDocument({
  einvoiceFormat: "FACTURX",
  buyer: {
    country: "DE",
    vatId: "DE987654321",
    city: "Köln",
    postalCode: "50667",
  },
});

describe("Factur-X PDF", () => {
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await finishInvoicePdf(facturx, await renderInvoicePdf(facturx));
    if (flavourFilesFound) await loadCiiSef();
  }, 300_000);

  it.skipIf(!flavourFilesFound)(
    `embeds the CII XML, which passes the D16B XSD and the EN 16931 CII rules ${flavourSkipReason}`,
    async () => {
      const embedded = await extractFacturX(pdf);
      expect(embedded).not.toBeNull();
      expect(embedded!.afRelationship).toBe("Alternative");
      expect(embedded!.mimeType).toBe("text/xml");
      expect(embedded!.xml).toContain("<ram:ID>INV-2026-000123</ram:ID>");
      const fatal = (await validateEinvoice(embedded!.xml, "CII")).filter(
        (f) => f.flag === "fatal",
      );
      expect(formatFindings(fatal)).toBe("");
    },
    120_000,
  );

  it("declares PDF/A-3B and Factur-X EN 16931 in XMP, has an sRGB output intent, lists the XML in /AF and embeds every font", async () => {
    const doc = await PDFDocument.load(pdf);
    const metadata = doc.catalog.lookup(PDFName.of("Metadata"));
    expect(metadata).toBeInstanceOf(PDFRawStream);
    const xmp = new TextDecoder().decode(
      decodePDFRawStream(metadata as PDFRawStream).decode(),
    );
    expect(xmp).toContain("<pdfaid:part>3</pdfaid:part>");
    expect(xmp).toContain("<pdfaid:conformance>B</pdfaid:conformance>");
    expect(xmp).toContain(
      `<fx:DocumentFileName>${FACTURX_FILE_NAME}</fx:DocumentFileName>`,
    );
    expect(xmp).toContain(
      "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>",
    );
    expect(xmp).toContain(
      "<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>",
    );

    const intents = doc.catalog.lookup(PDFName.of("OutputIntents"), PDFArray);
    const intent = intents.lookup(0, PDFDict);
    expect(intent.get(PDFName.of("S"))?.toString()).toBe("/GTS_PDFA1");
    expect(intent.lookup(PDFName.of("DestOutputProfile"))).toBeInstanceOf(
      PDFRawStream,
    );

    const af = doc.catalog.lookup(PDFName.of("AF"), PDFArray);
    expect(af.size()).toBe(1);
    expect(
      af.lookup(0, PDFDict).get(PDFName.of("AFRelationship"))?.toString(),
    ).toBe("/Alternative");

    // every font is embedded (PDF/A): a font program in its descriptor, for simple and composite fonts
    const fonts = doc.context
      .enumerateIndirectObjects()
      .map(([, o]) => o)
      .filter(
        (o): o is PDFDict =>
          o instanceof PDFDict &&
          o.get(PDFName.of("Type"))?.toString() === "/Font" &&
          o.get(PDFName.of("Subtype"))?.toString() !== "/Type0",
      );
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      const descriptor = font.lookupMaybe(
        PDFName.of("FontDescriptor"),
        PDFDict,
      );
      expect(
        descriptor,
        `font ${font.get(PDFName.of("BaseFont"))?.toString()} has no descriptor (not embedded)`,
      ).toBeDefined();
      expect(
        ["FontFile", "FontFile2", "FontFile3"].some((k) =>
          descriptor!.has(PDFName.of(k)),
        ),
      ).toBe(true);
    }
  });

  it("leaves the PDF of other accounts and of drafts unchanged", async () => {
    const plain = sampleDocument({ einvoiceFormat: "PEPPOL" });
    const rendered = await renderInvoicePdf(plain);
    expect(await finishInvoicePdf(plain, rendered)).toBe(rendered);
    const draft = { ...facturx, status: "DRAFT" as const, number: null };
    expect(
      await extractFacturX(
        await finishInvoicePdf(draft, await renderInvoicePdf(draft)),
      ),
    ).toBeNull();
  }, 120_000);
});
