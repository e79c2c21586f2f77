import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { deleteBillingSchedule } from "@/server/api/routes/schedules";

type Params = { params: Promise<Record<string, string>> };

export const POST = (request: Request, { params }: Params) => serveApi(getDb, deleteBillingSchedule, request, params);
