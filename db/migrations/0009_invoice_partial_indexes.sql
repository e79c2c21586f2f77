DROP INDEX "invoices_tenant_run_status_idx";--> statement-breakpoint
DROP INDEX "invoices_tenant_account_idx";--> statement-breakpoint
DROP INDEX "invoices_tenant_type_number_uq";--> statement-breakpoint
CREATE INDEX "invoices_run_flagged_idx" ON "invoices" USING btree ("billing_run_id","status") WHERE status IN ('SUSPECT', 'REJECTED', 'CANCELED');--> statement-breakpoint
CREATE INDEX "invoices_tenant_account_posted_idx" ON "invoices" USING btree ("tenant_id","account_id","posted_at") WHERE status = 'POSTED';--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_tenant_type_number_uq" ON "invoices" USING btree ("tenant_id","type","number") WHERE number IS NOT NULL;