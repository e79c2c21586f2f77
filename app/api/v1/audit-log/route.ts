import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { listAuditLog } from "@/server/api/routes/review";

export const GET = (request: Request) => serveApi(getDb, listAuditLog, request);
