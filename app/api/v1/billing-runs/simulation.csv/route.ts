import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { simulateNewBillingRunCsv } from "@/server/api/routes/simulation";

export const POST = (request: Request) => serveApi(getDb, simulateNewBillingRunCsv, request);
