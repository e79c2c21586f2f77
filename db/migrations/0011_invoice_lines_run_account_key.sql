-- Lines are read by run and account, never by id alone: (run, account, id) becomes the key and the one index a
-- lines chunk writes into (600,000 fewer index entries and ~40 MB less WAL per million-item run).
ALTER TABLE "invoice_lines" DROP CONSTRAINT "invoice_lines_pkey";--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_pkey" PRIMARY KEY("billing_run_id","account_id","id");--> statement-breakpoint
DROP INDEX "invoice_lines_run_account_idx";
