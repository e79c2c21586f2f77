"use client";

import { organizationClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

// Same-origin: better-auth is mounted at /api/auth of this app.
export const authClient = createAuthClient({ plugins: [organizationClient()] });
