import { sql } from "drizzle-orm";
import { queryRows, type Db, type Queryable } from "@/db/client";
import { RULE_KINDS, type RuleKind, type RuleSeverity } from "@/lib/billing-values";
import { RULE_THRESHOLD, saveRulesInput, type RuleSetting, type SaveRulesInput } from "@/lib/review-inputs";
import { recordAudit } from "@/server/audit/audit-log";
import type { Actor } from "./runs-core";

export type RuleRow = {
  id: string;
  kind: RuleKind;
  severity: RuleSeverity;
  threshold: string | null;
  currency: string | null;
  reason: string;
};

/** The text a finding of each rule starts with (the measured values follow in the finding). */
export const RULE_REASON: Record<RuleKind, string> = {
  AMOUNT_ABOVE: "Total above",
  ZERO_AMOUNT: "Zero-amount invoice",
  CHANGE_PERCENT: "Changed by more than",
  MISSING_BUYER_DATA: "Buyer data missing",
  USAGE_CHANGE_PERCENT: "Usage changed by more than",
  FIRST_INVOICE: "First invoice of the account",
  CREDIT_NOTE: "Credit note",
};

/** The rule's reason as stored (and shown before the finding's details), from its kind and threshold. */
export function ruleReason(kind: RuleKind, threshold: string | null, currency: string | null): string {
  const n = threshold === null ? "" : Number(threshold).toLocaleString("en-US", { maximumFractionDigits: 6 });
  switch (kind) {
    case "AMOUNT_ABOVE":
      return `Total above ${n}${currency ? ` ${currency}` : ""}`;
    case "CHANGE_PERCENT":
      return `Changed by more than ${n} % against the previous posted invoice`;
    case "USAGE_CHANGE_PERCENT":
      return `Usage of a charge changed by more than ${n} % against the previous posted invoice`;
    default:
      return RULE_REASON[kind];
  }
}

/**
 * The rules a new tenant starts with: they flag a handful of a month's invoices, not half — the totals that are
 * unusually large, jump against the previous month or a charge's usage that more than doubles, first invoices of new
 * accounts (once the tenant has posted before), credit notes and zero totals; missing buyer data blocks posting.
 */
export const DEFAULT_RULES: Omit<RuleRow, "id" | "reason">[] = [
  { kind: "AMOUNT_ABOVE", severity: "SUSPECT", threshold: "10000", currency: null },
  { kind: "ZERO_AMOUNT", severity: "SUSPECT", threshold: null, currency: null },
  { kind: "CHANGE_PERCENT", severity: "SUSPECT", threshold: "50", currency: null },
  { kind: "MISSING_BUYER_DATA", severity: "REJECTED", threshold: null, currency: null },
  { kind: "USAGE_CHANGE_PERCENT", severity: "SUSPECT", threshold: "100", currency: null },
  { kind: "FIRST_INVOICE", severity: "SUSPECT", threshold: null, currency: null },
  { kind: "CREDIT_NOTE", severity: "SUSPECT", threshold: null, currency: null },
];

const ruleValues = (tenantId: string, rules: Omit<RuleRow, "id" | "reason">[]) =>
  sql.join(
    rules.map(
      (r) =>
        sql`(${tenantId}, ${r.kind}::rule_kind, ${r.severity}::rule_severity, ${r.threshold}::numeric, ${r.currency}::char(3),
          ${ruleReason(r.kind, r.threshold, r.currency)})`,
    ),
    sql`, `,
  );

/**
 * Seeds the default validation rules when the tenant has none. Idempotent; call it when a tenant is created
 * (the invoicing step also calls it, so a tenant never runs without rules by accident).
 */
export async function ensureDefaultRules(db: Queryable, tenantId: string): Promise<void> {
  await db.execute(sql`
    INSERT INTO validation_rules (tenant_id, kind, severity, threshold, currency, reason)
    SELECT * FROM (VALUES ${ruleValues(tenantId, DEFAULT_RULES)}) v(tenant_id, kind, severity, threshold, currency, reason)
    WHERE NOT EXISTS (SELECT 1 FROM validation_rules WHERE tenant_id = ${tenantId})`);
}

export async function loadRules(db: Queryable, tenantId: string): Promise<RuleRow[]> {
  return queryRows<RuleRow>(
    db,
    sql`SELECT id, kind, severity, threshold::text AS threshold, currency, reason FROM validation_rules
        WHERE tenant_id = ${tenantId} AND enabled ORDER BY created_at, id`,
  );
}

/** Settings → Review rules: every rule kind with its severity (OFF when the tenant has it disabled or not at all). */
export async function listRuleSettings(db: Queryable, tenantId: string): Promise<{ rules: RuleSetting[]; kinds: typeof RULE_THRESHOLD }> {
  await ensureDefaultRules(db, tenantId);
  const rows = await queryRows<{ kind: RuleKind; severity: RuleSeverity; threshold: string | null; currency: string | null; enabled: boolean }>(
    db,
    sql`SELECT kind, severity, threshold::text AS threshold, currency, enabled FROM validation_rules
        WHERE tenant_id = ${tenantId} ORDER BY created_at, id`,
  );
  const rules: RuleSetting[] = rows.map((r) => ({
    kind: r.kind,
    severity: r.enabled ? r.severity : "OFF",
    threshold: r.threshold,
    currency: r.currency,
  }));
  for (const kind of RULE_KINDS) {
    if (!rules.some((r) => r.kind === kind)) rules.push({ kind, severity: "OFF", threshold: null, currency: null });
  }
  return { rules, kinds: RULE_THRESHOLD };
}

/** Replaces the tenant's rules (OFF rows are kept disabled, so their threshold is remembered); audited. */
export async function saveRuleSettings(db: Db, tenantId: string, rawInput: SaveRulesInput, actor: Actor) {
  const input = saveRulesInput.parse(rawInput);
  return db.transaction(async (tx) => {
    const before = await listRuleSettings(tx, tenantId);
    await tx.execute(sql`DELETE FROM validation_rules WHERE tenant_id = ${tenantId}`);
    for (const r of input.rules) {
      const severity = r.severity === "OFF" ? "SUSPECT" : r.severity;
      const threshold = RULE_THRESHOLD[r.kind] ? (r.threshold ?? null) : null;
      const currency = r.kind === "AMOUNT_ABOVE" ? (r.currency ?? null) : null;
      await tx.execute(sql`
        INSERT INTO validation_rules (tenant_id, kind, severity, threshold, currency, reason, enabled)
        VALUES (${tenantId}, ${r.kind}::rule_kind, ${severity}::rule_severity, ${threshold}::numeric, ${currency}::char(3),
          ${ruleReason(r.kind, threshold, currency)}, ${r.severity !== "OFF"})`);
    }
    const after = await listRuleSettings(tx, tenantId);
    await recordAudit(tx, { tenantId, actor, action: "settings.rules.update", entityType: "settings", entityId: "validation_rules", before: before.rules, after: after.rules });
    return after;
  });
}
