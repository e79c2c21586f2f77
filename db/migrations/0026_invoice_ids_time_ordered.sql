-- Invoice ids ordered by creation time (#22): a random UUID (version 4) put each new invoice on a random page of the
-- primary key and of every index keyed by invoice id (VAT subtotals, status history, findings), and each posting
-- (a new row version) did so again. After a year of monthly runs those indexes no longer fit in shared buffers, so
-- every invoice of a run read and dirtied pages all over them. A UUID version 7 starts with the Unix time in
-- milliseconds (RFC 9562): a run's invoices land together at the end. Postgres 18 has uuidv7(); 15 to 17 build it
-- from gen_random_uuid(): the time in the first 48 bits, version bits 0111, the random bits and variant kept.
CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;--> statement-breakpoint
ALTER TABLE "invoices" ALTER COLUMN "id" SET DEFAULT uuid_v7();
