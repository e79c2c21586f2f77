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
const compiled = new Map<string, Promise<unknown>>();

/** An XSLT compiled to SEF once (15–30 s), cached on disk and keyed by the XSLT file's path, mtime and size. */
function loadSef(xsltPath: string, cachePath: string): Promise<unknown> {
  let p = compiled.get(cachePath);
  if (!p) {
    p = (async () => {
      const stat = fs.statSync(xsltPath);
      const key = `${xsltPath}|${stat.mtimeMs}|${stat.size}`;
      const keyPath = `${cachePath}.key`;
      const fresh = fs.existsSync(cachePath) && fs.existsSync(keyPath) && fs.readFileSync(keyPath, "utf8") === key;
      if (!fresh) {
        fs.mkdirSync(path.dirname(cachePath), { recursive: true });
        const tmp = `${cachePath}.${process.pid}.tmp`;
        const xslt3 = require_.resolve("xslt3/xslt3.js");
        await promisify(execFile)(process.execPath, [xslt3, `-xsl:${xsltPath}`, `-export:${tmp}`, "-nogo"], {
          maxBuffer: 64 * 1024 * 1024,
        });
        fs.renameSync(tmp, cachePath);
        fs.writeFileSync(keyPath, key);
      }
      return JSON.parse(fs.readFileSync(cachePath, "utf8")) as unknown;
    })();
    compiled.set(cachePath, p);
  }
  return p;
}

/** The EN 16931 UBL rules compiled to SEF (about 27 s the first time). */
export function loadEn16931Sef(): Promise<unknown> {
  return loadSef(en16931XsltPath, sefCachePath);
}

async function runRules(sef: unknown, xml: string): Promise<RuleFinding[]> {
  const saxon = require_("saxon-js") as SaxonJs;
  const { principalResult } = await saxon.transform({ stylesheetInternal: sef, sourceText: xml, destination: "serialized" }, "async");
  return parseFailedAsserts(principalResult);
}

/** Runs the EN 16931 rules and returns every failed-assert (fatal and warning) of the SVRL report. */
export async function runEn16931Rules(xml: string): Promise<RuleFinding[]> {
  return runRules(await loadEn16931Sef(), xml);
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

// ---- Peppol BIS Billing 3.0, XRechnung 3.0 (KoSIT), CII D16B + EN 16931 CII ----

export const peppolXsltPath = path.join(einvoiceDir, "peppol-bis-3/peppol-ubl.xsl");
export const xrechnungXsltPath = path.join(einvoiceDir, "xrechnung/xrechnung-ubl.xsl");
export const ciiXsltPath = path.join(einvoiceDir, "en16931-cii/xslt/EN16931-CII-validation.xslt");
const ciiXsdDir = path.join(einvoiceDir, "en16931-cii/xsd");
const cacheDir = path.dirname(sefCachePath);

const missingFlavourFiles = [peppolXsltPath, xrechnungXsltPath, ciiXsltPath, path.join(ciiXsdDir, "CrossIndustryInvoice_100pD16B.xsd")].filter(
  (p) => !fs.existsSync(p),
);
/** All rule sets for the three flavours are present (EN 16931 UBL + XSD included). */
export const flavourFilesFound = einvoiceFilesFound && missingFlavourFiles.length === 0;
export const flavourSkipReason = flavourFilesFound
  ? ""
  : einvoiceSkipReason ||
    `e-invoice rule files not found (${missingFlavourFiles.join(", ")}); set EINVOICE_DIR to the folder holding peppol-bis-3/, xrechnung/ and en16931-cii/`;

export type EinvoiceRuleSet = "XSD" | "EN16931-UBL" | "PEPPOL" | "XRECHNUNG" | "EN16931-CII";
export type LabelledFinding = RuleFinding & { ruleSet: EinvoiceRuleSet };

export const loadPeppolSef = () => loadSef(peppolXsltPath, path.join(cacheDir, "peppol.sef.json"));
export const loadXrechnungSef = () => loadSef(xrechnungXsltPath, path.join(cacheDir, "xrechnung.sef.json"));
export const loadCiiSef = () => loadSef(ciiXsltPath, path.join(cacheDir, "en16931-cii.sef.json"));

export async function validateCiiXsd(xml: string): Promise<XsdResult> {
  const { validateXML } = await import("xmllint-wasm");
  const files = fs.readdirSync(ciiXsdDir).filter((f) => f.endsWith(".xsd"));
  const main = "CrossIndustryInvoice_100pD16B.xsd";
  const result = await validateXML({
    xml: [{ fileName: "document.xml", contents: xml }],
    schema: [{ fileName: main, contents: fs.readFileSync(path.join(ciiXsdDir, main), "utf8") }],
    preload: files.filter((f) => f !== main).map((f) => ({ fileName: f, contents: fs.readFileSync(path.join(ciiXsdDir, f), "utf8") })),
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}

/**
 * Every check a flavour must pass, with each finding labelled by its rule set: XSD errors (as fatal findings with id
 * "XSD"), then the Schematron failed-asserts (fatal and warning). PEPPOL: UBL XSD + EN 16931 + Peppol BIS (national
 * rules included); XRECHNUNG: the same (less PEPPOL-EN16931-R004, the Peppol CustomizationID) + KoSIT XRechnung;
 * CII: D16B XSD + EN 16931 CII.
 */
export async function validateEinvoice(xml: string, flavour: "PEPPOL" | "XRECHNUNG" | "CII"): Promise<LabelledFinding[]> {
  const out: LabelledFinding[] = [];
  const xsdFindings = (r: XsdResult) =>
    r.valid ? [] : (r.errors.length ? r.errors : ["invalid"]).map((text) => ({ ruleSet: "XSD" as const, id: "XSD", flag: "fatal", location: "", text }));
  if (flavour === "CII") {
    out.push(...xsdFindings(await validateCiiXsd(xml)));
    out.push(...(await runRules(await loadCiiSef(), xml)).map((f) => ({ ...f, ruleSet: "EN16931-CII" as const })));
    return out;
  }
  const root = /<CreditNote[\s>]/.test(xml) ? "CreditNote" : "Invoice";
  out.push(...xsdFindings(await validateUblXsd(xml, root)));
  out.push(...(await runEn16931Rules(xml)).map((f) => ({ ...f, ruleSet: "EN16931-UBL" as const })));
  // An XRechnung document carries the XRechnung CustomizationID, which Peppol's R004 by definition refuses; every other
  // Peppol rule (national DE-R-* included) still applies to it.
  const peppol = (await runRules(await loadPeppolSef(), xml)).filter((f) => flavour === "PEPPOL" || f.id !== "PEPPOL-EN16931-R004");
  out.push(...peppol.map((f) => ({ ...f, ruleSet: "PEPPOL" as const })));
  if (flavour === "XRECHNUNG") {
    out.push(...(await runRules(await loadXrechnungSef(), xml)).map((f) => ({ ...f, ruleSet: "XRECHNUNG" as const })));
  }
  return out;
}

/** One line per finding, e.g. "PEPPOL fatal PEPPOL-EN16931-R003 @ /Invoice: A buyer reference … ". */
export function formatFindings(findings: LabelledFinding[]): string {
  return findings.map((f) => `${f.ruleSet} ${f.flag} ${f.id}${f.location ? ` @ ${f.location}` : ""}: ${f.text}`).join("\n");
}
