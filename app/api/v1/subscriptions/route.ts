import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { postSubscriptions } from "@/server/api/routes/ingest";

export const POST = (request: Request) => serveApi(getDb, postSubscriptions, request);
