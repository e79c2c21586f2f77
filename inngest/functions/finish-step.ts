import { defaultDeps, type FunctionDeps } from "./deps";
import { runStepFamily } from "./job-families";
import { createFinishFunction } from "./job-functions";

/** Every chunk is done: finish the step (counters, status, milestone) and start the mode's next step, if any. */
export const createFinishStepFunction = (deps: FunctionDeps = defaultDeps) =>
  createFinishFunction({ ...runStepFamily, chunksCompleted: runStepFamily.chunksCompleted! }, deps);
export const finishStepFunction = createFinishStepFunction();
