import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { listAccountHolds, placeAccountHold } from "@/server/api/routes/review";

export const GET = (request: Request) => serveApi(getDb, listAccountHolds, request);
export const POST = (request: Request) => serveApi(getDb, placeAccountHold, request);
