ALTER TABLE "job_executions" ADD COLUMN "params" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "chunks_total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "done_chunks" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL;