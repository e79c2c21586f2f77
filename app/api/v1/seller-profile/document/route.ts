import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getDocumentProfileEndpoint, saveDocumentProfileEndpoint } from "@/server/api/routes/seller-profile";

export const GET = (request: Request) => serveApi(getDb, getDocumentProfileEndpoint, request);
export const POST = (request: Request) => serveApi(getDb, saveDocumentProfileEndpoint, request);
