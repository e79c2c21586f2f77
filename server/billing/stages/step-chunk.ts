import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { RunRow } from "../runs-core";
import type { StepKind } from "../state-machine";
import { runtime } from "@/server/runtime";
import type { Chunk, ChunkResult } from "./chunks";
import { linesChunk } from "./lines";
import { invoicesChunk } from "./drafts";
import { postingChunk } from "./posting";
import { cancelChunk } from "./cancel";

export async function runStepChunk(tx: Tx, run: RunRow, step: StepKind, chunk: Chunk, params: Record<string, unknown>): Promise<ChunkResult> {
  // One round trip for the chunk's settings (each statement is a round trip: ~10 ms from a serverless function).
  // Chunk statements join CTEs of thousands of rows whose sizes the planner cannot estimate (it guesses 1 row and
  // picks nested loops: 5 000 × 10 000 comparisons per chunk). Bulk work wants hash joins; index lookups are unaffected.
  // JIT compiles every big chunk statement anew (disabled nested loops inflate the cost estimates past the
  // inlining/optimization thresholds): measured 3.4–4 s of compile time per INVOICES chunk for a few seconds of work.
  await tx.execute(sql`SELECT set_config('enable_nestloop', 'off', true), set_config('work_mem', ${runtime().settings.engine.workMem}, true),
      set_config('jit', 'off', true)`);
  switch (step) {
    case "LINES":
      return linesChunk(tx, run, chunk);
    case "INVOICES":
      return invoicesChunk(tx, run, chunk);
    case "POSTING":
      return postingChunk(tx, run, chunk);
    case "CANCEL":
      return cancelChunk(tx, run, chunk, params.items === "CANCEL" ? "CANCEL" : "REOPEN");
  }
}
