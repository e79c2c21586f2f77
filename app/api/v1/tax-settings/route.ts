import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getTaxSettingsEndpoint, saveTaxSettingsEndpoint } from "@/server/api/routes/tax-settings";

export const GET = (request: Request) => serveApi(getDb, getTaxSettingsEndpoint, request);
export const POST = (request: Request) => serveApi(getDb, saveTaxSettingsEndpoint, request);
