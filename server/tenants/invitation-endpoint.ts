import type { Db } from "@/db/client";
import { HttpProblem, jsonResponse, problemResponse } from "@/server/api/problem";
import { limitByClientIp } from "@/server/api/rate-limit";
import { acceptInvitation } from "./invitations";

/** POST /api/invitations/{id}/accept {name, password}: the invitation page's form (no session: the link is the credential). */
export async function acceptInvitationRequest(db: Db, request: Request, invitationId: string): Promise<Response> {
  const path = new URL(request.url).pathname;
  const refused = await limitByClientIp(db, request);
  if (refused) return refused;
  try {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      throw new HttpProblem("BAD_REQUEST", "Send a JSON object with name and password", [{ field: "(body)", message: "is not valid JSON" }]);
    }
    // acceptInvitation validates the whole input with its zod schema
    const accepted = await acceptInvitation(db, { ...(body as { name: string; password: string }), invitationId });
    return jsonResponse(201, { email: accepted.email, role: accepted.role });
  } catch (error) {
    return problemResponse(error, path);
  }
}
