// Stage work, one module per stage: chunk planning (chunks.ts), LINES (lines.ts), INVOICES (drafts.ts), POSTING
// (posting.ts), CANCEL (cancel.ts, release-items.ts), and the per-step dispatch of a chunk (step-chunk.ts).

export { inRange, planChunks, planIdChunks, type Chunk, type ChunkResult } from "./chunks";
export { uuidArray } from "./sql-arrays";
export { runStepChunk } from "./step-chunk";
export { linesChunk } from "./lines";
export { invoicesChunk } from "./drafts";
export { formatDocumentNumber, parseNumberFormat, postingChunk } from "./posting";
export { releaseItems, type ItemsMode } from "./release-items";
export { cancelChunk, cancelInvoices } from "./cancel";
