import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { holdTimedPostEndpoint } from "@/server/api/routes/review";

type Params = { params: Promise<Record<string, string>> };

export const POST = (request: Request, { params }: Params) => serveApi(getDb, holdTimedPostEndpoint, request, params);
