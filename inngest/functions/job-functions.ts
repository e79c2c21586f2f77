import type { EventType } from "inngest";
import type { Db } from "@/db/client";
import { handlerFor } from "@/server/jobs/handlers";
import type { JobChunk, JobRef } from "@/server/jobs/job-ref";
import { inngest } from "../client";
import type { FunctionDeps } from "./deps";

// The one orchestration of a job in Inngest, for every job family (run steps, document jobs): plan → one fan-out
// sendEvent of chunk events with deterministic ids → chunk workers (exactly one sees `last`) → finish (→ next job).
// The work is the family's JobHandler (server/jobs/), the same the inline runner calls.

/* eslint-disable @typescript-eslint/no-explicit-any -- event types differ per family; their schemas validate them */
type AnyEvent = EventType<string, any>;

export type JobFamily = {
  /** function id prefix and names */
  id: string;
  name: string;
  started: AnyEvent;
  chunkRequested: AnyEvent;
  /** run steps: a separate finish function; document jobs: the last chunk finishes */
  chunksCompleted: AnyEvent | null;
  chunkConcurrency: number;
  /** the event data of a job (what the runner sends) */
  toEvent(job: JobRef): Record<string, unknown>;
  fromEvent(data: Record<string, unknown>): JobRef;
  /** finish, with what the function returns about it */
  finish(db: Db, job: JobRef): Promise<{ next: JobRef | null; result: Record<string, unknown> }>;
};

/** onFailure (retries exhausted): the job is marked FAILED with the error (a chunk event's data carries the job too). */
const failJobOf =
  (family: JobFamily, deps: FunctionDeps) =>
  async ({ event, error }: { event: { data: { event: { data: unknown } } }; error: unknown }) => {
    const { chunk: _chunk, ...data } = event.data.event.data as Record<string, unknown>;
    const job = family.fromEvent(data);
    await handlerFor(job.kind).fail(await deps.getDb(), job, error);
  };

export const startedEventId = (family: JobFamily, job: JobRef) => (family.chunksCompleted ? `job-${job.jobId}` : `documents-${job.jobId}`);

export const createPlanFunction = (family: JobFamily, deps: FunctionDeps) =>
  inngest.createFunction(
    {
      id: `${family.id}-process`,
      name: `${family.name}: plan and fan out`,
      triggers: [family.started],
      concurrency: [{ key: "event.data.tenantId", limit: 5 }],
      idempotency: "event.data.jobId",
      retries: 3,
      onFailure: failJobOf(family, deps),
    },
    async ({ event, step }) => {
      const job = family.fromEvent(event.data as Record<string, unknown>);
      const plan = await step.run("plan", async () => handlerFor(job.kind).plan(await deps.getDb(), job));
      if (!plan.running) return { chunks: 0, abandoned: true };
      if (!plan.chunks.length) {
        const finished = await step.run("finish", async () => {
          const { next, result } = await family.finish(await deps.getDb(), job);
          return { next, result };
        });
        const next = finished.next as JobRef | null;
        if (next) await step.sendEvent("start-next-step", family.started.create(family.toEvent(next), { id: startedEventId(family, next) }));
        return { chunks: 0, ...finished.result };
      }
      await step.sendEvent(
        "fan-out-chunks",
        (plan.chunks as JobChunk[]).map((chunk) => family.chunkRequested.create({ ...family.toEvent(job), chunk }, { id: `${job.jobId}-chunk-${chunk.no}` })),
      );
      return { chunks: plan.chunks.length, total: plan.total };
    },
  );

export const createChunkFunction = (family: JobFamily, deps: FunctionDeps) =>
  inngest.createFunction(
    {
      id: `${family.id}-chunk`,
      name: `${family.name}: one chunk`,
      triggers: [family.chunkRequested],
      concurrency: [{ key: "event.data.tenantId", limit: family.chunkConcurrency }],
      retries: 3,
      onFailure: failJobOf(family, deps),
    },
    async ({ event, step }) => {
      const { chunk, ...data } = event.data as Record<string, unknown> & { chunk: JobChunk };
      const job = family.fromEvent(data);
      const result = await step.run("chunk", async () => {
        const db = await deps.getDb();
        const handler = handlerFor(job.kind);
        const session = handler.openSession ? await handler.openSession(db, job) : undefined;
        try {
          return await handler.runChunk(db, job, chunk, session);
        } finally {
          await session?.close();
        }
      });
      if (!result.last) return result;
      if (family.chunksCompleted) {
        await step.sendEvent("chunks-completed", family.chunksCompleted.create(family.toEvent(job), { id: `${job.jobId}-completed` }));
        return result;
      }
      const finished = await step.run("finish", async () => (await family.finish(await deps.getDb(), job)).result);
      return { ...result, ...finished };
    },
  );

export const createFinishFunction = (family: JobFamily & { chunksCompleted: AnyEvent }, deps: FunctionDeps) =>
  inngest.createFunction(
    {
      id: `${family.id}-finish-step`,
      name: `${family.name}: finish and advance`,
      triggers: [family.chunksCompleted],
      idempotency: "event.data.jobId",
      retries: 3,
      onFailure: failJobOf(family, deps),
    },
    async ({ event, step }) => {
      const job = family.fromEvent(event.data as Record<string, unknown>);
      const finished = await step.run("finish", async () => family.finish(await deps.getDb(), job));
      const next = finished.next as JobRef | null;
      if (next) await step.sendEvent("start-next-step", family.started.create(family.toEvent(next), { id: startedEventId(family, next) }));
      return finished.result;
    },
  );
