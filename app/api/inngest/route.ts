import { serve } from "inngest/next";
import { functions, inngest } from "@/inngest";

// Inngest calls this endpoint to run the functions (signing key required outside dev mode).
export const runtime = "nodejs";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
