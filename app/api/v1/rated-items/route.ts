import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { postRatedItems } from "@/server/api/routes/ingest";

export const POST = (request: Request) => serveApi(getDb, postRatedItems, request);
