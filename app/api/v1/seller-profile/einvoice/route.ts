import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getEinvoiceProfileEndpoint, updateEinvoiceProfileEndpoint } from "@/server/api/routes/seller-profile";

export const GET = (request: Request) => serveApi(getDb, getEinvoiceProfileEndpoint, request);
export const POST = (request: Request) => serveApi(getDb, updateEinvoiceProfileEndpoint, request);
