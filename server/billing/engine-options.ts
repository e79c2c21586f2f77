// Tunables of the run engine (environment variables, documented in .env.example; a wrong value stops the import).
import { envInteger, envMemorySize } from "@/lib/env-settings";

export const engineOptions = {
  /**
   * Accounts per chunk (one transaction each). Each chunk scans its account range once, so fewer, larger chunks are
   * faster: 100k accounts / 1M items on Postgres 15 here took 60.4 s with 5,000 and 37.7 s with 25,000.
   */
  chunkAccounts: envInteger("BILLRUN_CHUNK_ACCOUNTS", 25_000),
  /**
   * Chunks of one job worked on at once by the inline driver (Inngest: the chunk function's concurrency). Postgres
   * runs each chunk's statements on one core, so two chunks use both cores of a small machine. The embedded
   * database has one connection: always 1 there.
   */
  chunkConcurrency: envInteger("BILLRUN_CHUNK_CONCURRENCY", 2),
  /** work_mem of a chunk's transaction: a chunk aggregates up to a few million rows; the 4 MB default spills to disk */
  workMem: envMemorySize("BILLRUN_WORK_MEM", "128MB"),
  /** a RUNNING job without heartbeat for this long was abandoned (process killed) and may be taken over */
  staleAfterMs: { inline: envInteger("BILLRUN_STALE_JOB_MS", 30_000), inngest: 10 * 60_000 },
};
