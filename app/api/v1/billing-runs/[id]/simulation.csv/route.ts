import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { simulateBillingRunCsv } from "@/server/api/routes/simulation";

type Params = { params: Promise<Record<string, string>> };

export const GET = (request: Request, { params }: Params) => serveApi(getDb, simulateBillingRunCsv, request, params);
