import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";

export type RuleRow = {
  id: string;
  kind: "AMOUNT_ABOVE" | "ZERO_AMOUNT" | "CHANGE_PERCENT" | "MISSING_BUYER_DATA";
  severity: "SUSPECT" | "REJECTED";
  threshold: string | null;
  reason: string;
};

/** The validation rules a new tenant starts with (editable per tenant afterwards). */
export const DEFAULT_RULES: Omit<RuleRow, "id">[] = [
  { kind: "AMOUNT_ABOVE", severity: "SUSPECT", threshold: "10000", reason: "Total above 10,000" },
  { kind: "ZERO_AMOUNT", severity: "SUSPECT", threshold: null, reason: "Zero-amount invoice" },
  { kind: "CHANGE_PERCENT", severity: "SUSPECT", threshold: "50", reason: "Changed by more than 50 % against the previous posted invoice" },
  { kind: "MISSING_BUYER_DATA", severity: "REJECTED", threshold: null, reason: "Buyer data missing" },
];

/**
 * Seeds the default validation rules when the tenant has none. Idempotent; call it when a tenant is created
 * (the invoicing step also calls it, so a tenant never runs without rules by accident).
 */
export async function ensureDefaultRules(db: Queryable, tenantId: string): Promise<void> {
  const values = sql.join(
    DEFAULT_RULES.map((r) => sql`(${tenantId}, ${r.kind}::rule_kind, ${r.severity}::rule_severity, ${r.threshold}::numeric, ${r.reason})`),
    sql`, `,
  );
  await db.execute(sql`
    INSERT INTO validation_rules (tenant_id, kind, severity, threshold, reason)
    SELECT * FROM (VALUES ${values}) v(tenant_id, kind, severity, threshold, reason)
    WHERE NOT EXISTS (SELECT 1 FROM validation_rules WHERE tenant_id = ${tenantId})`);
}

export async function loadRules(db: Queryable, tenantId: string): Promise<RuleRow[]> {
  return queryRows<RuleRow>(
    db,
    sql`SELECT id, kind, severity, threshold::text AS threshold, reason FROM validation_rules
        WHERE tenant_id = ${tenantId} AND enabled ORDER BY created_at, id`,
  );
}
