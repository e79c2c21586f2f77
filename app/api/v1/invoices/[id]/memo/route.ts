import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { saveInvoiceMemoEndpoint } from "@/server/api/routes/invoices";

type Params = { params: Promise<Record<string, string>> };

export const POST = (request: Request, { params }: Params) => serveApi(getDb, saveInvoiceMemoEndpoint, request, params);
