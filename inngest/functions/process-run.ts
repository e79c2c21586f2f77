import { defaultDeps, type FunctionDeps } from "./deps";
import { runStepFamily } from "./job-families";
import { createPlanFunction } from "./job-functions";

/** A run step was started: plan its account chunks and fan them out (a job without accounts finishes here). */
export const createProcessRunFunction = (deps: FunctionDeps = defaultDeps) => createPlanFunction(runStepFamily, deps);
export const processRunFunction = createProcessRunFunction();
