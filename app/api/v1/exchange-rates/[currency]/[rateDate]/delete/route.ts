import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { deleteExchangeRateEndpoint } from "@/server/api/routes/exchange-rates";

type Params = { params: Promise<Record<string, string>> };

export const POST = (request: Request, { params }: Params) => serveApi(getDb, deleteExchangeRateEndpoint, request, params);
