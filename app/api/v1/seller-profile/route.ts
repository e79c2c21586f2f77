import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getSellerIdentityEndpoint, saveSellerIdentityEndpoint } from "@/server/api/routes/seller-profile";

export const GET = (request: Request) => serveApi(getDb, getSellerIdentityEndpoint, request);
export const POST = (request: Request) => serveApi(getDb, saveSellerIdentityEndpoint, request);
