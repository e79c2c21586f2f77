import { getDb } from "@/db";
import { serveApi } from "@/server/api/endpoint";
import { getReviewRules, saveReviewRules } from "@/server/api/routes/review";

export const GET = (request: Request) => serveApi(getDb, getReviewRules, request);
export const POST = (request: Request) => serveApi(getDb, saveReviewRules, request);
