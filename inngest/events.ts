import { eventType } from "inngest";
import { z } from "zod";

// Typed events (zod). Names: `billing/run.<thing>_<verb in past tense>` — facts, not commands.

const stepKind = z.enum(["LINES", "INVOICES", "POSTING", "CANCEL"]);

export const jobSchema = z.object({
  tenantId: z.string().min(1),
  runId: z.string().uuid(),
  jobId: z.string().uuid(),
  kind: stepKind,
  params: z.record(z.string(), z.unknown()),
});

export const chunkSchema = z.object({
  no: z.number().int().min(0),
  after: z.string().uuid().nullable(),
  upTo: z.string().uuid().nullable(),
  size: z.number().int().min(0),
});

/** A step job was started by a transition (Process, Cancel, or the mode's next step). */
export const runProcessRequested = eventType("billing/run.process_requested", { schema: jobSchema });
/** One chunk of accounts of a job is to be worked on (fan-out). */
export const runChunkRequested = eventType("billing/run.chunk_requested", {
  schema: jobSchema.extend({ chunk: chunkSchema }),
});
/** Every chunk of a job is done. */
export const runChunksCompleted = eventType("billing/run.chunks_completed", { schema: jobSchema });

/** A run's document job (Generate PDF / XML, E-mail invoices) was started. */
export const documentJobSchema = z.object({
  tenantId: z.string().min(1),
  runId: z.string().uuid(),
  jobId: z.string().uuid(),
  kind: z.enum(["PDF", "XML", "EMAIL"]),
});
export const runDocumentsRequested = eventType("billing/run.documents_requested", { schema: documentJobSchema });
/** One chunk of a document job's invoices is to be worked on (fan-out). */
export const runDocumentsChunkRequested = eventType("billing/run.documents_chunk_requested", {
  schema: documentJobSchema.extend({ chunk: chunkSchema }),
});


export type JobEventData = z.infer<typeof jobSchema>;

/** Outbox rows were committed (or a webhook message became due): the outbox-sweep function runs. */
export const outboxCommitted = eventType("billing/outbox.committed", { schema: z.object({}) });
