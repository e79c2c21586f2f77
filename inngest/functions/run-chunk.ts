import { defaultDeps, type FunctionDeps } from "./deps";
import { runStepFamily } from "./job-families";
import { createChunkFunction } from "./job-functions";

/** One chunk of a run step's accounts; the chunk that completes the step announces it (exactly one does). */
export const createRunChunkFunction = (deps: FunctionDeps = defaultDeps) => createChunkFunction(runStepFamily, deps);
export const runChunkFunction = createRunChunkFunction();
