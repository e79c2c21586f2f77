import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { listOutboxMessages } from "@/server/api/routes/outbox";

export const GET = (request: Request) => serveApi(getDb, listOutboxMessages, request);
