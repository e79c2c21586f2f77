-- Review by exception (#19): explained findings, approval before posting, account holds, audit log, schedules.
-- New enum values are added here but used only by later transactions (Postgres refuses a new value in the
-- transaction that adds it).
ALTER TYPE "public"."rule_kind" ADD VALUE IF NOT EXISTS 'USAGE_CHANGE_PERCENT';--> statement-breakpoint
ALTER TYPE "public"."rule_kind" ADD VALUE IF NOT EXISTS 'FIRST_INVOICE';--> statement-breakpoint
ALTER TYPE "public"."rule_kind" ADD VALUE IF NOT EXISTS 'CREDIT_NOTE';--> statement-breakpoint
ALTER TYPE "public"."billing_run_status" ADD VALUE IF NOT EXISTS 'AWAITING_APPROVAL' AFTER 'DRAFTS_READY';--> statement-breakpoint
-- AMOUNT_ABOVE may be set per currency (NULL: any currency without a rule of its own).
ALTER TABLE "validation_rules" ADD COLUMN "currency" char(3);--> statement-breakpoint
CREATE INDEX "validation_rules_tenant_idx" ON "validation_rules" USING btree ("tenant_id");--> statement-breakpoint
-- One row per rule an invoice matched: what was measured, against which threshold and which previous value.
CREATE TABLE "invoice_findings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "invoice_findings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"invoice_id" uuid NOT NULL,
	"billing_run_id" uuid NOT NULL,
	"rule_kind" "rule_kind" NOT NULL,
	"severity" "rule_severity" NOT NULL,
	"charge_id" uuid,
	"value" numeric,
	"previous_value" numeric,
	"change_percent" numeric,
	"threshold" numeric,
	"currency" char(3),
	"previous_invoice_id" uuid,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoice_findings" ADD CONSTRAINT "invoice_findings_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_findings_invoice_idx" ON "invoice_findings" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "invoice_findings_run_idx" ON "invoice_findings" USING btree ("billing_run_id", "rule_kind");--> statement-breakpoint
-- Approval before posting: the tenant's policy and every request / decision on a run.
CREATE TABLE "approval_policies" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"mode" text DEFAULT 'OFF' NOT NULL,
	"gross_above" numeric,
	"invoice_count_above" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approval_policies_mode_check" CHECK (mode IN ('OFF', 'ALWAYS', 'ABOVE')),
	CONSTRAINT "approval_policies_above_check" CHECK (mode <> 'ABOVE' OR gross_above IS NOT NULL OR invoice_count_above IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_tenant_id_organization_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "run_approvals" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "run_approvals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"billing_run_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"actor_type" "initiator_type" NOT NULL,
	"user_id" text,
	"api_key_id" uuid,
	"comment" text,
	"post_at" timestamp with time zone,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_approvals_decision_check" CHECK (decision IN ('REQUESTED', 'APPROVED', 'SENT_BACK', 'HELD', 'AUTO_POSTED'))
);
--> statement-breakpoint
ALTER TABLE "run_approvals" ADD CONSTRAINT "run_approvals_tenant_id_organization_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_approvals" ADD CONSTRAINT "run_approvals_billing_run_id_billing_runs_id_fk" FOREIGN KEY ("billing_run_id") REFERENCES "public"."billing_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "run_approvals_run_idx" ON "run_approvals" USING btree ("billing_run_id", "at");--> statement-breakpoint
-- Who asked to post a run waiting for approval (that user cannot approve it), and the optional timed auto-post.
ALTER TABLE "billing_runs" ADD COLUMN "post_requested_by_user_id" text;--> statement-breakpoint
ALTER TABLE "billing_runs" ADD COLUMN "auto_post_at" timestamp with time zone;--> statement-breakpoint
-- The schedule period a run was created for: at most one run per cycle and period, whatever the number of schedulers.
ALTER TABLE "billing_runs" ADD COLUMN "scheduled_period" text;--> statement-breakpoint
CREATE UNIQUE INDEX "billing_runs_cycle_period_uq" ON "billing_runs" USING btree ("billing_cycle_id", "scheduled_period") WHERE scheduled_period IS NOT NULL;--> statement-breakpoint
-- Account holds: while active, runs skip the account and its items stay open.
CREATE TABLE "account_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"account_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"expires_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"released_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_holds" ADD CONSTRAINT "account_holds_tenant_id_organization_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_holds" ADD CONSTRAINT "account_holds_account_id_customer_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."customer_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- at most one open hold per account (an expired one is closed before a new one is placed)
CREATE UNIQUE INDEX "account_holds_open_uq" ON "account_holds" USING btree ("account_id") WHERE released_at IS NULL;--> statement-breakpoint
CREATE INDEX "account_holds_tenant_idx" ON "account_holds" USING btree ("tenant_id", "created_at");--> statement-breakpoint
-- Audit log (the table exists since 0000, unused until now): append-only — a trigger refuses UPDATE, DELETE and
-- TRUNCATE; no foreign key to the tenant, so deleting a tenant keeps its log (as books are kept).
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_tenant_id_organization_id_fk";--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "before" jsonb;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "after" jsonb;--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();--> statement-breakpoint
-- Billing schedules: one per cycle; runs are created and processed automatically once per period.
CREATE TABLE "billing_schedules" (
	"billing_cycle_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"day_of_month" integer NOT NULL,
	"time_of_day" text DEFAULT '06:00' NOT NULL,
	"time_zone" text DEFAULT 'Europe/Berlin' NOT NULL,
	"cutoff_offset_days" integer DEFAULT 0 NOT NULL,
	"invoice_date_offset_days" integer DEFAULT 0 NOT NULL,
	"mode" "billing_run_mode" DEFAULT 'REVIEW' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"starts_period" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_schedules_day_check" CHECK (day_of_month BETWEEN 1 AND 28),
	CONSTRAINT "billing_schedules_time_check" CHECK (time_of_day ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
);
--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD CONSTRAINT "billing_schedules_tenant_id_organization_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD CONSTRAINT "billing_schedules_billing_cycle_id_billing_cycles_id_fk" FOREIGN KEY ("billing_cycle_id") REFERENCES "public"."billing_cycles"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- approver: an operator who may also approve runs waiting for approval (four eyes)
ALTER TABLE "member" DROP CONSTRAINT "member_role_check";--> statement-breakpoint
ALTER TABLE "member" ADD CONSTRAINT "member_role_check" CHECK ("role" IN ('owner', 'admin', 'approver', 'operator', 'viewer'));
