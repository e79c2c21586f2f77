import PDFDocument from "pdfkit";

/**
 * react-pdf selects the font of every text run by handing pdfkit the fontkit font object itself. pdfkit can only cache
 * fonts by name, so each such call builds a new embedded-font wrapper (a font subset, glyph 0's metrics), compares the
 * font's name table with the one it already has as two JSON strings, and throws the new wrapper away — ~170 calls and
 * ~4 ms of a 50 ms one-page invoice (measured in-process). This remembers, per document, the embedded font pdfkit
 * settled on for each font object, so later runs set it directly: the same font, subset and resources as before.
 *
 * It wraps `font()` of pdfkit 0.20.1 (the version @react-pdf/renderer pins) and sets the fields its cache hit sets;
 * `render-invoice-pdf.test.ts` and the PDF text tests check the output.
 */
type PdfKitDocument = {
  _font: unknown;
  _fontSource: unknown;
  _fontFamily: unknown;
  fontSize(size: number): PdfKitDocument;
};
type FontMethod = (this: PdfKitDocument, src: unknown, family?: unknown, size?: unknown) => PdfKitDocument;

const embeddedBySource = new WeakMap<PdfKitDocument, Map<object, unknown>>();
let installed = false;

const isFontkitFont = (src: unknown): src is object => typeof src === "object" && src !== null && typeof (src as { layout?: unknown }).layout === "function";

export function reuseEmbeddedFontsPerDocument(): void {
  if (installed) return;
  installed = true;
  const proto = (PDFDocument as unknown as { prototype: { font: FontMethod } }).prototype;
  const original = proto.font;
  proto.font = function font(this: PdfKitDocument, src, family, size) {
    if (!isFontkitFont(src)) return original.call(this, src, family, size);
    if (typeof family === "number") [size, family] = [family, null];
    let fonts = embeddedBySource.get(this);
    const known = fonts?.get(src);
    if (known === undefined) {
      original.call(this, src, family, size);
      if (!fonts) embeddedBySource.set(this, (fonts = new Map()));
      fonts.set(src, this._font);
      return this;
    }
    this._fontSource = src;
    this._fontFamily = family;
    if (typeof size === "number") this.fontSize(size);
    this._font = known;
    return this;
  };
}
