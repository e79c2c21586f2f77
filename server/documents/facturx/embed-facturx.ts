import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { AFRelationship, PDFDocument, PDFName, PDFString } from "pdf-lib";

/**
 * Factur-X / ZUGFeRD: turns the rendered invoice PDF into a PDF/A-3 hybrid by embedding its CII XML as `factur-x.xml`
 * (AFRelationship Alternative, listed in the catalog's /AF), with XMP metadata declaring PDF/A-3B and the Factur-X
 * extension schema (profile EN 16931), and an sRGB output intent. Done after rendering, so the PDF template is not
 * touched. The fonts are the template's embedded TrueType fonts (fonts.ts).
 */

export const FACTURX_FILE_NAME = "factur-x.xml";
export const FACTURX_CONFORMANCE_LEVEL = "EN 16931";

// sRGB ICC profile shipped by pdfkit (a dependency of @react-pdf/renderer)
function srgbProfile(): Buffer {
  const require_ = createRequire(import.meta.url);
  const pdfkitJs = path.dirname(require_.resolve("pdfkit")); // …/pdfkit/js
  return fs.readFileSync(path.join(pdfkitJs, "data/sRGB_IEC61966_2_1.icc"));
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function xmp(o: { title: string; author: string; created: string }): string {
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(o.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>${escapeXml(o.author)}</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreateDate>${o.created}</xmp:CreateDate>
   <xmp:ModifyDate>${o.created}</xmp:ModifyDate>
   <xmp:CreatorTool>Billrun</xmp:CreatorTool>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>Billrun (react-pdf, pdf-lib)</pdf:Producer>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
   <fx:DocumentType>INVOICE</fx:DocumentType>
   <fx:DocumentFileName>${FACTURX_FILE_NAME}</fx:DocumentFileName>
   <fx:Version>1.0</fx:Version>
   <fx:ConformanceLevel>${FACTURX_CONFORMANCE_LEVEL}</fx:ConformanceLevel>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
      xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>fx</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentFileName</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The name of the embedded XML document</pdfaProperty:description></rdf:li>
        <rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentType</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The type of the hybrid document in capital letters, e.g. INVOICE or ORDER</pdfaProperty:description></rdf:li>
        <rdf:li rdf:parseType="Resource"><pdfaProperty:name>Version</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The actual version of the standard applying to the embedded XML document</pdfaProperty:description></rdf:li>
        <rdf:li rdf:parseType="Resource"><pdfaProperty:name>ConformanceLevel</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The conformance level of the embedded XML document</pdfaProperty:description></rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

/** The invoice PDF with its CII XML embedded as a Factur-X (EN 16931) PDF/A-3 hybrid. */
export async function embedFacturX(
  pdf: Uint8Array,
  ciiXml: string,
  meta: { title: string; author: string; date: Date },
): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const date = meta.date;
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setProducer("Billrun (react-pdf, pdf-lib)");
  doc.setCreator("Billrun");
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  await doc.attach(new TextEncoder().encode(ciiXml), FACTURX_FILE_NAME, {
    mimeType: "text/xml",
    description: "Factur-X invoice (CII, EN 16931)",
    creationDate: date,
    modificationDate: date,
    afRelationship: AFRelationship.Alternative,
  });

  const ctx = doc.context;
  const metadata = ctx.stream(
    xmp({
      title: meta.title,
      author: meta.author,
      created: date.toISOString(),
    }),
    {
      Type: "Metadata",
      Subtype: "XML",
    },
  );
  doc.catalog.set(PDFName.of("Metadata"), ctx.register(metadata));
  const icc = ctx.stream(srgbProfile(), { N: 3 });
  const intent = ctx.obj({
    Type: "OutputIntent",
    S: "GTS_PDFA1",
    OutputConditionIdentifier: PDFString.of("sRGB IEC61966-2.1"),
    Info: PDFString.of("sRGB IEC61966-2.1"),
    DestOutputProfile: ctx.register(icc),
  });
  doc.catalog.set(PDFName.of("OutputIntents"), ctx.obj([ctx.register(intent)]));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** The embedded Factur-X XML of a PDF (for tests and for checking a received hybrid), or null. */
export async function extractFacturX(
  pdf: Uint8Array,
): Promise<{
  xml: string;
  afRelationship: string | null;
  mimeType: string | null;
} | null> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const { PDFArray, PDFDict, PDFRawStream, decodePDFRawStream, PDFHexString } =
    await import("pdf-lib");
  const names = doc.catalog
    .lookupMaybe(PDFName.of("Names"), PDFDict)
    ?.lookupMaybe(PDFName.of("EmbeddedFiles"), PDFDict)
    ?.lookupMaybe(PDFName.of("Names"), PDFArray);
  if (!names) return null;
  for (let i = 0; i + 1 < names.size(); i += 2) {
    const name = names.lookup(i);
    const text =
      name instanceof PDFHexString || name instanceof PDFString
        ? name.decodeText()
        : "";
    if (text !== FACTURX_FILE_NAME) continue;
    const spec = names.lookup(i + 1, PDFDict);
    const stream = spec
      .lookup(PDFName.of("EF"), PDFDict)
      .lookup(PDFName.of("F"));
    if (!(stream instanceof PDFRawStream)) return null;
    const xml = new TextDecoder().decode(decodePDFRawStream(stream).decode());
    const subtype = stream.dict.get(PDFName.of("Subtype"));
    return {
      xml,
      afRelationship:
        spec.get(PDFName.of("AFRelationship"))?.toString().slice(1) ?? null,
      mimeType: subtype
        ? decodeURIComponent(
            subtype
              .toString()
              .slice(1)
              .replace(/#([0-9A-F]{2})/gi, "%$1"),
          )
        : null,
    };
  }
  return null;
}
