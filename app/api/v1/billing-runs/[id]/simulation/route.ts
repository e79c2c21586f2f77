import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { simulateBillingRun } from "@/server/api/routes/simulation";

type Params = { params: Promise<Record<string, string>> };

export const POST = (request: Request, { params }: Params) => serveApi(getDb, simulateBillingRun, request, params);
