import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { receiveBillingRunWebhook } from "@/server/webhooks/incoming";

// POST /api/webhooks/billing-runs?tenant=<slug or id> — Standard Webhooks–signed run creation (see server/webhooks/incoming.ts).
export const POST = (request: Request) => serveApi(getDb, receiveBillingRunWebhook, request);
