-- Billing schedules (#19): any day of month 1–31 (a shorter month runs on its last day); the scheduler reads every
-- enabled schedule each minute and the dashboard lists a tenant's.
ALTER TABLE "billing_schedules" DROP CONSTRAINT "billing_schedules_day_check";--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD CONSTRAINT "billing_schedules_day_check" CHECK (day_of_month BETWEEN 1 AND 31);--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD CONSTRAINT "billing_schedules_offsets_check" CHECK (cutoff_offset_days BETWEEN -31 AND 31 AND invoice_date_offset_days BETWEEN -31 AND 31);--> statement-breakpoint
CREATE INDEX "billing_schedules_tenant_idx" ON "billing_schedules" USING btree ("tenant_id");
