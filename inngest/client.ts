import { Inngest } from "inngest";

/**
 * The Inngest client. Production needs INNGEST_EVENT_KEY + INNGEST_SIGNING_KEY (Inngest Cloud or self-hosted);
 * local development uses the dev server with INNGEST_DEV=1. Without either, jobs run on the inline driver.
 */
export const inngest = new Inngest({
  id: "billrun",
  isDev: process.env.INNGEST_DEV ? process.env.INNGEST_DEV !== "0" : undefined,
});

export const inngestConfigured = () => Boolean(process.env.INNGEST_EVENT_KEY || (process.env.INNGEST_DEV && process.env.INNGEST_DEV !== "0"));
