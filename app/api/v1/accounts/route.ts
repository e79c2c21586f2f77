import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { postAccounts } from "@/server/api/routes/ingest";

export const POST = (request: Request) => serveApi(getDb, postAccounts, request);
