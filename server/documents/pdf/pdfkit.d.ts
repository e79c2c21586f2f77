// pdfkit ships no types; only its document class's prototype is used here (pdfkit-font-reuse.ts).
declare module "pdfkit" {
  const PDFDocument: { prototype: object };
  export default PDFDocument;
}
