import { createTrpcContext } from "@/server/trpc/init";
import { handleTrpcRequest } from "@/server/trpc/http-handler";

const handler = (req: Request) => handleTrpcRequest(req, () => createTrpcContext({ headers: req.headers }));

export { handler as GET, handler as POST };
