import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { removeLogoEndpoint } from "@/server/api/routes/seller-profile";

export const POST = (request: Request) => serveApi(getDb, removeLogoEndpoint, request);
