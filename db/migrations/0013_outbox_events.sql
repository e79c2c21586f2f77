CREATE TABLE "outbox_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"type" text NOT NULL,
	"billing_run_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"data" jsonb,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"pending" text[] NOT NULL
);
--> statement-breakpoint
CREATE INDEX "outbox_events_pending_idx" ON "outbox_events" USING btree ("id") WHERE pending <> '{}';--> statement-breakpoint
-- Tenant deletion also removes the tenant's outbox rows (they have no foreign key).
CREATE OR REPLACE FUNCTION delete_tenant_rows_without_cascade() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  posted bigint;
BEGIN
  SELECT count(*) INTO posted FROM invoices WHERE tenant_id = OLD.id AND status = 'POSTED';
  IF posted > 0 THEN
    RAISE EXCEPTION 'tenant % has % posted invoice(s) and cannot be deleted: posted invoices are kept', OLD.id, posted
      USING ERRCODE = 'restrict_violation';
  END IF;
  DELETE FROM documents WHERE tenant_id = OLD.id;
  DELETE FROM rated_item_claims WHERE tenant_id = OLD.id;
  DELETE FROM invoices WHERE tenant_id = OLD.id;
  DELETE FROM invoice_lines WHERE tenant_id = OLD.id;
  DELETE FROM rated_items WHERE tenant_id = OLD.id;
  DELETE FROM outbox_events WHERE tenant_id = OLD.id;
  RETURN OLD;
END $$;
