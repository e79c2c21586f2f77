import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTION_LABEL } from "./audit-actions";
import { INVOICE_ACTIONS } from "./billing-values";

// Every action a service can record has a readable label (the audit log's filter lists them): the literal actions of
// every file that records audit entries, and the two computed ones (approval decisions, bulk invoice actions).

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [full] : [];
  });
}

const ENTITY = "(?:run|invoice|settings|api_key|webhook_endpoint|webhook_secret|member|hold|schedule)";

describe("audit action labels", () => {
  it("label every action the services record", () => {
    const recorded = new Set<string>();
    for (const file of sources(path.join(process.cwd(), "server"))) {
      const text = fs.readFileSync(file, "utf8");
      if (!/recordAudit(Many)?\(/.test(text) || file.endsWith(path.join("audit", "audit-log.ts"))) continue;
      for (const m of text.matchAll(new RegExp(`"(${ENTITY}\\.[a-z_.]+)"`, "g"))) recorded.add(m[1]);
    }
    for (const decision of ["REQUESTED", "APPROVED", "SENT_BACK", "HELD", "AUTO_POSTED"]) recorded.add(`run.approval.${decision.toLowerCase()}`);
    for (const action of INVOICE_ACTIONS) recorded.add(`invoice.${action.toLowerCase()}`);
    expect(recorded.size).toBeGreaterThan(40);
    expect([...recorded].filter((a) => !AUDIT_ACTION_LABEL[a]).sort()).toEqual([]);
  });
});
