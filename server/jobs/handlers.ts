import { documentJobHandler } from "@/server/documents/document-jobs";
import { runStepHandler } from "@/server/billing/step-jobs";
import type { JobHandler } from "./job-handler";
import { isRunStepKind, type JobKind } from "./job-ref";

/** The handler of each job kind: run steps (billing engine) and document jobs (PDF, XML, e-mail). */
export function handlerFor(kind: JobKind): JobHandler {
  return isRunStepKind(kind) ? runStepHandler : documentJobHandler;
}
