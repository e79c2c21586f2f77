import "server-only";

import { headers } from "next/headers";
import { cache } from "react";
import { getAuth } from "@/server/auth";

/**
 * The request's session, read once per request. Layouts and pages render in parallel, so pages check it
 * too before prefetching (a signed-out request is redirected by the layout; it should not query).
 */
export const getSession = cache(async () => (await getAuth()).api.getSession({ headers: await headers() }));
