import { getAuth } from "@/server/auth";

// better-auth's handler; the auth instance is created on first request (never during `next build`).
async function handler(req: Request) {
  const auth = await getAuth();
  return auth.handler(req);
}

export { handler as GET, handler as POST };
