import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { createBillingRun, listRuns } from "@/server/api/routes/billing-runs";

export const GET = (request: Request) => serveApi(getDb, listRuns, request);
export const POST = (request: Request) => serveApi(getDb, createBillingRun, request);
