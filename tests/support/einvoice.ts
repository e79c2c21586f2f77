import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

/**
 * E-invoice validation for tests: UBL 2.1 XSD (xmllint-wasm) and the EN 16931 business rules
 * (the CEN Schematron compiled to XSLT, run by saxon-js). The reference files are read in place from
 * EINVOICE_DIR (default ../shared/einvoice), never copied into the project.
 */

export const einvoiceDir = path.resolve(process.env.EINVOICE_DIR ?? path.resolve(process.cwd(), "../shared/einvoice"));
const xsdDir = path.join(einvoiceDir, "ubl-2.1/xsd");
export const en16931XsltPath = path.join(einvoiceDir, "en16931-ubl/xslt/EN16931-UBL-validation.xslt");
export const examplesDir = path.join(einvoiceDir, "en16931-ubl/examples");

const missing = [path.join(xsdDir, "maindoc/UBL-Invoice-2.1.xsd"), path.join(xsdDir, "common"), en16931XsltPath].filter(
  (p) => !fs.existsSync(p),
);
export const einvoiceFilesFound = missing.length === 0;
export const einvoiceSkipReason = einvoiceFilesFound
  ? ""
  : `e-invoice reference files not found (${missing.join(", ")}); set EINVOICE_DIR to the folder holding ubl-2.1/ and en16931-ubl/`;
if (!einvoiceFilesFound) console.warn(`[einvoice] SKIPPED: ${einvoiceSkipReason}`);

export type XsdResult = { valid: boolean; errors: string[] };
export type RuleFinding = { id: string; flag: string; location: string; text: string };

type XmlFile = { fileName: string; contents: string };
let xsdFiles: { common: XmlFile[]; maindoc: Map<string, string> } | undefined;

function loadXsds() {
  if (!xsdFiles) {
    const commonDir = path.join(xsdDir, "common");
    // maindoc schemas import "../common/…": preloading under that relative name resolves the imports
    const common = fs
      .readdirSync(commonDir)
      .filter((f) => f.endsWith(".xsd"))
      .map((f) => ({ fileName: `../common/${f}`, contents: fs.readFileSync(path.join(commonDir, f), "utf8") }));
    const maindoc = new Map<string, string>();
    for (const root of ["Invoice", "CreditNote"]) {
      maindoc.set(root, fs.readFileSync(path.join(xsdDir, `maindoc/UBL-${root}-2.1.xsd`), "utf8"));
    }
    xsdFiles = { common, maindoc };
  }
  return xsdFiles;
}

export async function validateUblXsd(xml: string, root: "Invoice" | "CreditNote"): Promise<XsdResult> {
  const { validateXML } = await import("xmllint-wasm");
  const files = loadXsds();
  const result = await validateXML({
    xml: [{ fileName: "document.xml", contents: xml }],
    schema: [{ fileName: `UBL-${root}-2.1.xsd`, contents: files.maindoc.get(root)! }],
    preload: files.common,
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}

// ---- EN 16931 Schematron (XSLT) ----

const require_ = createRequire(import.meta.url);
type SaxonJs = {
  transform(
    options: { stylesheetInternal: unknown; sourceText: string; destination: "serialized" },
    mode: "async",
  ): Promise<{ principalResult: string }>;
};

export const sefCachePath = path.resolve(process.cwd(), "node_modules/.cache/billrun/en16931.sef.json");
let compiled: Promise<unknown> | undefined;

/** The XSLT compiled to SEF once (about 27 s), cached on disk and keyed by the XSLT file's mtime and size. */
export function loadEn16931Sef(): Promise<unknown> {
  compiled ??= (async () => {
    const stat = fs.statSync(en16931XsltPath);
    const key = `${en16931XsltPath}|${stat.mtimeMs}|${stat.size}`;
    const keyPath = `${sefCachePath}.key`;
    const fresh = fs.existsSync(sefCachePath) && fs.existsSync(keyPath) && fs.readFileSync(keyPath, "utf8") === key;
    if (!fresh) {
      fs.mkdirSync(path.dirname(sefCachePath), { recursive: true });
      const tmp = `${sefCachePath}.${process.pid}.tmp`;
      const xslt3 = require_.resolve("xslt3/xslt3.js");
      await promisify(execFile)(process.execPath, [xslt3, `-xsl:${en16931XsltPath}`, `-export:${tmp}`, "-nogo"], {
        maxBuffer: 64 * 1024 * 1024,
      });
      fs.renameSync(tmp, sefCachePath);
      fs.writeFileSync(keyPath, key);
    }
    return JSON.parse(fs.readFileSync(sefCachePath, "utf8")) as unknown;
  })();
  return compiled;
}

/** Runs the EN 16931 rules and returns every failed-assert (fatal and warning) of the SVRL report. */
export async function runEn16931Rules(xml: string): Promise<RuleFinding[]> {
  const sef = await loadEn16931Sef();
  const saxon = require_("saxon-js") as SaxonJs;
  const { principalResult } = await saxon.transform({ stylesheetInternal: sef, sourceText: xml, destination: "serialized" }, "async");
  return parseFailedAsserts(principalResult);
}

/** The fatal EN 16931 findings (rule violations) of a document; empty when it is compliant. */
export async function validateEn16931(xml: string): Promise<RuleFinding[]> {
  return (await runEn16931Rules(xml)).filter((f) => f.flag === "fatal");
}

export function parseFailedAsserts(svrl: string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const re = /<svrl:failed-assert\b([^>]*)>([\s\S]*?)<\/svrl:failed-assert>/g;
  for (const m of svrl.matchAll(re)) {
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(m[1])?.[1] ?? "";
    const text = /<svrl:text>([\s\S]*?)<\/svrl:text>/.exec(m[2])?.[1] ?? "";
    findings.push({ id: attr("id"), flag: attr("flag"), location: unescape(attr("location")), text: unescape(text.trim()) });
  }
  return findings;
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}
