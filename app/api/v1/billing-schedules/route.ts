import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { listBillingSchedules, saveBillingSchedule } from "@/server/api/routes/schedules";

export const GET = (request: Request) => serveApi(getDb, listBillingSchedules, request);
export const POST = (request: Request) => serveApi(getDb, saveBillingSchedule, request);
