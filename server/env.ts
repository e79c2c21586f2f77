import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

const isProduction = process.env.NODE_ENV === "production";

/** Validated server environment. Every variable is documented in .env.example. */
export const env = createEnv({
  server: {
    DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
    DATABASE_DRIVER: z.enum(["neon", "node-postgres"]).optional(),
    PGLITE_DATA_DIR: z.string().optional(),
    APP_URL: z.string().url().default("http://localhost:3000"),
    BETTER_AUTH_SECRET: isProduction
      ? z.string().min(32, "BETTER_AUTH_SECRET must be at least 32 characters in production")
      : z.string().min(32).default("dev-only-secret-change-me-0123456789abcdef"),
    TRUSTED_ORIGINS: z.string().optional(),
    INNGEST_EVENT_KEY: z.string().optional(),
    INNGEST_SIGNING_KEY: z.string().optional(),
    INNGEST_DEV: z.string().optional(),
    RESEND_API_KEY: z.string().optional(),
    RESEND_BASE_URL: z.string().url().optional(),
    EMAIL_FROM: z.string().default("Billrun <billing@billrun.local>"),
  },
  client: {},
  experimental__runtimeEnv: {},
  emptyStringAsUndefined: true,
  skipValidation: process.env.SKIP_ENV_VALIDATION === "1",
});
