import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { bulkInvoiceActions } from "@/server/api/routes/billing-runs";

type Params = { params: Promise<Record<string, string>> };

export const POST = (request: Request, { params }: Params) => serveApi(getDb, bulkInvoiceActions, request, params);
