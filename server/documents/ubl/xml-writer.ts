// Characters XML 1.0 does not allow at all (C0 controls except tab, LF, CR; lone surrogates; U+FFFE/FFFF).
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(value: string): string {
  return value.replace(INVALID_XML_CHARS, "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A minimal indented XML string builder: elements are written in call order, which is the caller's job. */
export class XmlWriter {
  private readonly parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  private depth = 0;

  open(name: string, attrs?: Record<string, string>): this {
    this.parts.push(`${"  ".repeat(this.depth)}<${name}${attributes(attrs)}>\n`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.parts.push(`${"  ".repeat(this.depth)}</${name}>\n`);
    return this;
  }

  /** A leaf element; skipped when the value is null, undefined or blank. */
  leaf(name: string, value: string | null | undefined, attrs?: Record<string, string>): this {
    if (value === null || value === undefined || value.trim() === "") return this;
    this.parts.push(`${"  ".repeat(this.depth)}<${name}${attributes(attrs)}>${escapeXml(value)}</${name}>\n`);
    return this;
  }

  /** open + body + close */
  group(name: string, body: () => void, attrs?: Record<string, string>): this {
    this.open(name, attrs);
    body();
    return this.close(name);
  }

  toString(): string {
    return this.parts.join("");
  }
}

function attributes(attrs?: Record<string, string>): string {
  if (!attrs) return "";
  let out = "";
  for (const [k, v] of Object.entries(attrs)) out += ` ${k}="${escapeXml(v)}"`;
  return out;
}
