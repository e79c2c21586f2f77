import { sql } from "drizzle-orm";
import { bigint, char, check, date, foreignKey, index, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customerAccounts } from "./customers";
import { lineKind, ratedItemStatus } from "./enums";

// Priced usage / recurring / one-shot charges loaded by the tenant. Ingest is idempotent by external id.
// Claims by billing runs live in rated_item_claims (append-only: a claim is an INSERT, not an UPDATE of items).
export const ratedItems = pgTable(
  "rated_items",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text("tenant_id").notNull(),
    accountId: uuid("account_id").notNull(),
    subscriptionId: uuid("subscription_id"),
    chargeId: uuid("charge_id").notNull(),
    description: text("description").notNull(),
    quantity: numeric("quantity", { precision: 20, scale: 6 }).notNull(),
    unitPrice: numeric("unit_price", { precision: 20, scale: 6 }).notNull(),
    amount: numeric("amount", { precision: 20, scale: 6 }).notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    usageDate: date("usage_date", { mode: "string" }).notNull(),
    externalId: text("external_id").notNull(),
    // OPEN (billable, unless claimed by a run) | BILLED (its invoice is posted) | CANCELED (never invoiced)
    status: ratedItemStatus("status").notNull().default("OPEN"),
    // CREDIT / DISCOUNT / REFUND (negative) get invoice lines of their own; CHARGE is not negative; NULL: by sign (a
    // negative amount is a CREDIT). The sign rule is checked for new rows (NOT VALID, migration 0022).
    kind: lineKind("kind"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("rated_items_tenant_external_uq").on(t.tenantId, t.externalId),
    // The lines stage reads an account's items by usage date; the id lets it skip items already billed inside the
    // index, without fetching them (migration 0028).
    index("rated_items_tenant_account_date_id_idx").on(t.tenantId, t.accountId, t.usageDate, t.id),
    check("rated_items_kind_sign_check", sql`${t.kind} IS NULL OR (${t.kind} = 'CHARGE') = (${t.amount} >= 0)`),
    // The account, subscription and charge must belong to the item's own tenant: checked per statement by triggers
    // (db/migrations/0004_item_reference_checks.sql), not by row-level foreign keys (three index probes per item).
  ],
);

// Per account, the earliest usage date an unclaimed OPEN item may have ('infinity': none). The lines stage reads an
// account's items from here to the cut-off, so history already billed is never read again. Maintained by the lines
// stage (raised), by triggers on rated_items (lowered on insert / re-dating) and by re-opening items (lowered); every
// account has one (created by a trigger on customer_accounts). See db/migrations/0014_account_item_marks.sql.
export const accountItemMarks = pgTable(
  "account_item_marks",
  {
    tenantId: text("tenant_id").notNull(),
    accountId: uuid("account_id").notNull(),
    openFrom: date("open_from", { mode: "string" }).notNull().default("infinity"),
    // The highest rated item id a run ever claimed for the account (null: none). Ids only grow, so an item above it is
    // unclaimed and the lines stage need not probe the claims for it (migration 0027).
    claimedThrough: bigint("claimed_through", { mode: "number" }),
    // The earliest usage date an unclaimed OPEN item at or below claimed_through may have ('infinity': none). Items
    // dated before it are read only if above claimed_through, which the item index tells without a fetch: late usage
    // lowers open_from, not this, so items already billed are not read again (migration 0028).
    probeFrom: date("probe_from", { mode: "string" }).notNull().default("infinity"),
  },
  (t) => [
    // tenant first: a chunk reads and locks its tenant's range of account ids
    primaryKey({ name: "account_item_marks_pkey", columns: [t.tenantId, t.accountId] }),
    foreignKey({ name: "account_item_marks_account_fk", columns: [t.tenantId, t.accountId], foreignColumns: [customerAccounts.tenantId, customerAccounts.id] }).onDelete(
      "cascade",
    ),
  ],
);
