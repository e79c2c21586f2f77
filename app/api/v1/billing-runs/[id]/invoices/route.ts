import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { listRunInvoices } from "@/server/api/routes/billing-runs";

type Params = { params: Promise<Record<string, string>> };

export const GET = (request: Request, { params }: Params) => serveApi(getDb, listRunInvoices, request, params);
