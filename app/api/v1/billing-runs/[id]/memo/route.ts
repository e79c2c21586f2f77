import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { saveRunMemoEndpoint } from "@/server/api/routes/run-activity";

type Params = { params: Promise<Record<string, string>> };

export const POST = (request: Request, { params }: Params) => serveApi(getDb, saveRunMemoEndpoint, request, params);
