import { Inngest } from "inngest";
import { env } from "@/server/env";

/**
 * The Inngest client. Production needs INNGEST_EVENT_KEY + INNGEST_SIGNING_KEY (Inngest Cloud or self-hosted);
 * local development uses the dev server with INNGEST_DEV=1. Without either, jobs run on the inline runner
 * (the composition root decides, from the validated settings).
 */
export const inngest = new Inngest({
  id: "billrun",
  isDev: env.INNGEST_DEV ? env.INNGEST_DEV !== "0" : undefined,
});
