import { getDb } from "@/db";
import { limitByClientIp } from "@/server/api/rate-limit";
import { getAuth } from "@/server/auth";

// better-auth's handler; the auth instance is created on first request (never during `next build`).
// Credential endpoints (sign-in, sign-up, password reset) are rate-limited per client IP.
const LIMITED = /\/(sign-in|sign-up|forget-password|request-password-reset|reset-password|change-password)\b/;

async function handler(req: Request) {
  if (req.method === "POST" && LIMITED.test(new URL(req.url).pathname)) {
    const refused = await limitByClientIp(await getDb(), req);
    if (refused) return refused;
  }
  const auth = await getAuth();
  return auth.handler(req);
}

export { handler as GET, handler as POST };
