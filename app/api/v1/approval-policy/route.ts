import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getApprovalPolicyEndpoint, saveApprovalPolicyEndpoint } from "@/server/api/routes/review";

export const GET = (request: Request) => serveApi(getDb, getApprovalPolicyEndpoint, request);
export const POST = (request: Request) => serveApi(getDb, saveApprovalPolicyEndpoint, request);
