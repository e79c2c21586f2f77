import { defaultDeps, type FunctionDeps } from "./deps";
import { documentJobFamily } from "./job-families";
import { createChunkFunction } from "./job-functions";

/** One chunk of a document job's invoices; the chunk that completes the job (exactly one does) finishes it. */
export const createRunDocumentsChunkFunction = (deps: FunctionDeps = defaultDeps) => createChunkFunction(documentJobFamily, deps);
export const runDocumentsChunkFunction = createRunDocumentsChunkFunction();
