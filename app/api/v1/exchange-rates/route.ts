import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getExchangeRates, postExchangeRate } from "@/server/api/routes/exchange-rates";

export const GET = (request: Request) => serveApi(getDb, getExchangeRates, request);
export const POST = (request: Request) => serveApi(getDb, postExchangeRate, request);
