import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { postAccounts } from "@/server/api/routes/ingest";
import { searchAccountsEndpoint } from "@/server/api/routes/review";

export const GET = (request: Request) => serveApi(getDb, searchAccountsEndpoint, request);
export const POST = (request: Request) => serveApi(getDb, postAccounts, request);
