-- Issue 20 (API v1 complete and hardened).
-- Idempotency-Key replays keep the headers of the stored answer (Location of a created run).
ALTER TABLE "idempotency_keys" ADD COLUMN "response_headers" jsonb;--> statement-breakpoint
-- Rate limits: one token bucket per (policy, subject), shared by every app process through the database. A request
-- takes its cost from the bucket in one atomic upsert (refilled by the elapsed time); an empty bucket answers 429.
CREATE TABLE "rate_limit_buckets" (
	"bucket" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"granted" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "rate_limit_buckets_updated_idx" ON "rate_limit_buckets" USING btree ("updated_at");
