import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { listRunApprovals } from "@/server/api/routes/review";

type Params = { params: Promise<Record<string, string>> };

export const GET = (request: Request, { params }: Params) => serveApi(getDb, listRunApprovals, request, params);
