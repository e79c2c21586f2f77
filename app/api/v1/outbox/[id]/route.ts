import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getOutboxMessageById } from "@/server/api/routes/outbox";

type Params = { params: Promise<Record<string, string>> };

export const GET = (request: Request, { params }: Params) => serveApi(getDb, getOutboxMessageById, request, params);
