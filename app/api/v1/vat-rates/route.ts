import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { setVatRateEndpoint } from "@/server/api/routes/tax-settings";

export const POST = (request: Request) => serveApi(getDb, setVatRateEndpoint, request);
