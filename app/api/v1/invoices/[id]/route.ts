import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getInvoiceById } from "@/server/api/routes/invoices";

type Params = { params: Promise<Record<string, string>> };

export const GET = (request: Request, { params }: Params) => serveApi(getDb, getInvoiceById, request, params);
