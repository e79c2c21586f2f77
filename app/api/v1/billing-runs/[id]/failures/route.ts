import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { listRunFailures } from "@/server/api/routes/run-activity";

type Params = { params: Promise<Record<string, string>> };

export const GET = (request: Request, { params }: Params) => serveApi(getDb, listRunFailures, request, params);
