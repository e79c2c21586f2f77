import { defaultDeps, type FunctionDeps } from "./deps";
import { documentJobFamily } from "./job-families";
import { createPlanFunction } from "./job-functions";

/** A document job (PDF / XML / e-mail) was started: plan its invoice chunks and fan them out. */
export const createRunDocumentsFunction = (deps: FunctionDeps = defaultDeps) => createPlanFunction(documentJobFamily, deps);
export const runDocumentsFunction = createRunDocumentsFunction();
