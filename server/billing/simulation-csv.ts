import type { SimulatedAccount } from "./simulation";

// A simulation's per-account rows as CSV (RFC 4180, CRLF). Text that a spreadsheet would run as a formula is prefixed
// with ' (names and reasons come from the tenant's customers).

const COLUMNS: [string, (a: SimulatedAccount) => string | number | null, "text" | "value"][] = [
  ["account_id", (a) => a.accountId, "value"],
  ["account_external_id", (a) => a.accountExternalId, "text"],
  ["account_name", (a) => a.accountName, "text"],
  ["currency", (a) => a.currency, "value"],
  ["type", (a) => a.type, "value"],
  ["status", (a) => a.status, "value"],
  ["net", (a) => a.net, "value"],
  ["tax", (a) => a.tax, "value"],
  ["gross", (a) => a.gross, "value"],
  ["lines", (a) => a.lines, "value"],
  ["items", (a) => a.items, "value"],
  ["previous_invoice_id", (a) => a.previousInvoiceId, "value"],
  ["previous_net", (a) => a.previousNet, "value"],
  ["change", (a) => a.change, "value"],
  ["change_percent", (a) => a.changePercent, "value"],
  ["findings", (a) => a.findings.map((f) => f.kind).join(" "), "value"],
  ["reason", (a) => a.reason, "text"],
];

function cell(value: string | number | null, kind: "text" | "value"): string {
  if (value === null) return "";
  let s = String(value);
  if (kind === "text" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function simulationCsv(accounts: SimulatedAccount[]): string {
  const rows = [COLUMNS.map(([name]) => name).join(",")];
  for (const a of accounts) rows.push(COLUMNS.map(([, get, kind]) => cell(get(a), kind)).join(","));
  return rows.join("\r\n") + "\r\n";
}

export const simulationCsvFileName = (runLabel: string) => `simulation-${runLabel.replace(/[^A-Za-z0-9_-]/g, "")}.csv`;
