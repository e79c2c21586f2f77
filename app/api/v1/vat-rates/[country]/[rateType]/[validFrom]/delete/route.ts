import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { deleteVatRateEndpoint } from "@/server/api/routes/tax-settings";

type Params = { params: Promise<Record<string, string>> };

export const POST = (request: Request, { params }: Params) => serveApi(getDb, deleteVatRateEndpoint, request, params);
