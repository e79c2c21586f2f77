import { getDb } from "@/db";
import { acceptInvitationRequest } from "@/server/tenants/invitation-endpoint";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return acceptInvitationRequest(await getDb(), request, (await params).id);
}
