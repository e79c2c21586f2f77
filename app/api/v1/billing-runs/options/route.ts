import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getRunOptions } from "@/server/api/routes/run-activity";

export const GET = (request: Request) => serveApi(getDb, getRunOptions, request);
