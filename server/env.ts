import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";
import { envInteger, envMemorySize } from "@/lib/env-settings";

// Every environment variable the server reads, validated once (documented in .env.example). A value that is set but
// wrong stops the start with the variable's name and rule. Modules never read process.env: they get `Settings`
// through the runtime (server/runtime.ts), which the composition root builds from these; tests pass their own.

const isProduction = process.env.NODE_ENV === "production";

const wholeNumber = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      try {
        const value = envInteger(name, fallback, min, { [name]: raw });
        if (value > max) throw new Error(`${name} must be a whole number ≤ ${max} (got "${raw}")`);
        return value;
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });

const memorySize = (name: string, fallback: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      try {
        return envMemorySize(name, fallback, { [name]: raw });
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });

/**
 * WEBHOOK_ALLOW_PRIVATE_TARGETS=1 (or true) accepts plain http:// and loopback, private and link-local webhook targets —
 * for local development, tests, or a self-hosted install delivering inside its own network; any other value refuses
 * them. Unset, they are accepted unless NODE_ENV is "production".
 */
export function privateTargetsAllowed(vars: { NODE_ENV?: string; WEBHOOK_ALLOW_PRIVATE_TARGETS?: string }): boolean {
  const value = vars.WEBHOOK_ALLOW_PRIVATE_TARGETS?.trim().toLowerCase();
  if (!value) return vars.NODE_ENV !== "production";
  return value === "1" || value === "true";
}

export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "production", "test"]).optional(),
    DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
    DATABASE_DRIVER: z.enum(["neon", "node-postgres"]).optional(),
    PGLITE_DATA_DIR: z.string().optional(),
    MIGRATIONS_DIR: z.string().optional(),
    DB_POOL_MAX: wholeNumber("DB_POOL_MAX", 10, 1, 1000),
    APP_URL: z.string().url().default("http://localhost:3000"),
    BETTER_AUTH_SECRET: isProduction
      ? z.string().min(32, "BETTER_AUTH_SECRET must be at least 32 characters in production")
      : z.string().min(32).default("dev-only-secret-change-me-0123456789abcdef"),
    TRUSTED_ORIGINS: z.string().optional(),
    OPEN_SIGNUP: z
      .enum(["0", "1", "false", "true"], "OPEN_SIGNUP must be 0, 1, false or true")
      .optional()
      .transform((v) => v === "1" || v === "true"),
    INNGEST_EVENT_KEY: z.string().optional(),
    INNGEST_SIGNING_KEY: z.string().optional(),
    INNGEST_DEV: z.string().optional(),
    RESEND_API_KEY: z.string().optional(),
    RESEND_BASE_URL: z.string().url().optional(),
    EMAIL_FROM: z.string().default("Billrun <billing@billrun.local>"),
    BILLRUN_CHUNK_ACCOUNTS: wholeNumber("BILLRUN_CHUNK_ACCOUNTS", 25_000, 1, 10_000_000),
    BILLRUN_CHUNK_CONCURRENCY: wholeNumber("BILLRUN_CHUNK_CONCURRENCY", 2, 1, 64),
    BILLRUN_WORK_MEM: memorySize("BILLRUN_WORK_MEM", "128MB"),
    BILLRUN_STALE_JOB_MS: wholeNumber("BILLRUN_STALE_JOB_MS", 30_000, 1_000, 24 * 3_600_000),
    BILLRUN_DOCUMENT_CHUNK: wholeNumber("BILLRUN_DOCUMENT_CHUNK", 50, 1, 10_000),
    PDF_WORKERS: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined || raw.trim() === "") return undefined;
        if (!/^\d+$/.test(raw.trim()) || Number(raw) > 64) {
          ctx.addIssue({ code: "custom", message: `PDF_WORKERS must be a whole number from 0 to 64 (got "${raw}")` });
          return z.NEVER;
        }
        return Number(raw);
      }),
    PDF_WORKER_ENTRY: z.string().optional(),
    PDF_FONT_DIR: z.string().optional(),
    WEBHOOK_ALLOW_PRIVATE_TARGETS: z.string().optional(),
    WEBHOOK_RETENTION_DAYS: wholeNumber("WEBHOOK_RETENTION_DAYS", 30, 1, 3650),
    WEBHOOK_DELIVERY_CONCURRENCY: wholeNumber("WEBHOOK_DELIVERY_CONCURRENCY", 64, 1, 1000),
    WEBHOOK_ENDPOINT_CONCURRENCY: wholeNumber("WEBHOOK_ENDPOINT_CONCURRENCY", 16, 1, 1000),
    API_RATE_LIMIT_PER_SECOND: wholeNumber("API_RATE_LIMIT_PER_SECOND", 50, 1, 1_000_000),
    API_RATE_LIMIT_BURST: wholeNumber("API_RATE_LIMIT_BURST", 100, 1, 10_000_000),
    API_INGEST_ITEMS_PER_SECOND: wholeNumber("API_INGEST_ITEMS_PER_SECOND", 100_000, 1, 100_000_000),
    API_INGEST_ITEMS_BURST: wholeNumber("API_INGEST_ITEMS_BURST", 200_000, 10_000, 1_000_000_000),
    TENANT_RATE_LIMIT_PER_SECOND: wholeNumber("TENANT_RATE_LIMIT_PER_SECOND", 200, 1, 10_000_000),
    TENANT_RATE_LIMIT_BURST: wholeNumber("TENANT_RATE_LIMIT_BURST", 400, 1, 100_000_000),
    TENANT_INGEST_ITEMS_PER_SECOND: wholeNumber("TENANT_INGEST_ITEMS_PER_SECOND", 200_000, 1, 1_000_000_000),
    TENANT_INGEST_ITEMS_BURST: wholeNumber("TENANT_INGEST_ITEMS_BURST", 400_000, 10_000, 10_000_000_000),
    AUTH_RATE_LIMIT_PER_MINUTE: wholeNumber("AUTH_RATE_LIMIT_PER_MINUTE", 10, 1, 1_000_000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  },
  client: {},
  experimental__runtimeEnv: {},
  emptyStringAsUndefined: true,
  skipValidation: process.env.SKIP_ENV_VALIDATION === "1",
});

export type Settings = {
  appUrl: string;
  production: boolean;
  engine: {
    /** accounts per chunk (one transaction each); fewer, larger chunks scan each account range once */
    chunkAccounts: number;
    /** chunks of one job worked on at once by the inline runner (always 1 on the embedded database) */
    chunkConcurrency: number;
    /** work_mem of a chunk's transaction: a chunk aggregates up to a few million rows */
    workMem: string;
  };
  jobs: {
    /** a RUNNING job without heartbeat for this long was abandoned (process killed) and may be taken over */
    staleAfterMs: { inline: number; inngest: number };
    heartbeatMs: number;
  };
  documents: { chunkSize: number; pdfWorkers: number | undefined; pdfWorkerEntry: string | undefined; fontDir: string | undefined };
  webhooks: {
    /** plain http:// and private / loopback targets accepted (development, self-hosted networks) */
    allowPrivateTargets: boolean;
    retentionDays: number;
    /** deliveries in flight per process, and per endpoint */
    deliveryConcurrency: number;
    endpointConcurrency: number;
    timeoutMs: number;
    /** how long a claim holds a message: a process that died mid-attempt loses it after this */
    claimLeaseSeconds: number;
  };
  outbox: {
    /** the sweeper's longest sleep when nothing is due (other processes' rows are found by then at the latest) */
    maxIdleMs: number;
  };
  email: { resendApiKey: string | undefined; resendBaseUrl: string | undefined; from: string };
  /** token buckets in the database (server/api/rate-limit.ts), shared by every app process */
  rateLimits: {
    /** REST requests per API key: sustained rate and burst */
    requestsPerSecond: number;
    requestsBurst: number;
    /** rated items ingested per API key (a batch takes as many tokens as it has items); the burst must hold a 10,000-item batch */
    ingestItemsPerSecond: number;
    ingestItemsBurst: number;
    /** the same two limits per tenant, summed over all its API keys (a tenant cannot multiply its quota by creating keys) */
    tenantRequestsPerSecond: number;
    tenantRequestsBurst: number;
    tenantIngestItemsPerSecond: number;
    tenantIngestItemsBurst: number;
    /** sign-in, sign-up, password and invitation requests per client IP */
    authPerMinute: number;
  };
  inngest: { configured: boolean };
};

/** Settings from the validated environment. */
export function settingsFromEnv(e: typeof env = env): Settings {
  const production = (e.NODE_ENV ?? process.env.NODE_ENV) === "production";
  return {
    appUrl: e.APP_URL.replace(/\/$/, ""),
    production,
    engine: { chunkAccounts: e.BILLRUN_CHUNK_ACCOUNTS, chunkConcurrency: e.BILLRUN_CHUNK_CONCURRENCY, workMem: e.BILLRUN_WORK_MEM },
    jobs: { staleAfterMs: { inline: e.BILLRUN_STALE_JOB_MS, inngest: 10 * 60_000 }, heartbeatMs: 5_000 },
    documents: { chunkSize: e.BILLRUN_DOCUMENT_CHUNK, pdfWorkers: e.PDF_WORKERS, pdfWorkerEntry: e.PDF_WORKER_ENTRY, fontDir: e.PDF_FONT_DIR },
    webhooks: {
      allowPrivateTargets: privateTargetsAllowed({ NODE_ENV: production ? "production" : e.NODE_ENV, WEBHOOK_ALLOW_PRIVATE_TARGETS: e.WEBHOOK_ALLOW_PRIVATE_TARGETS }),
      retentionDays: e.WEBHOOK_RETENTION_DAYS,
      deliveryConcurrency: e.WEBHOOK_DELIVERY_CONCURRENCY,
      endpointConcurrency: e.WEBHOOK_ENDPOINT_CONCURRENCY,
      timeoutMs: 10_000,
      claimLeaseSeconds: 60,
    },
    outbox: { maxIdleMs: 60_000 },
    email: { resendApiKey: e.RESEND_API_KEY, resendBaseUrl: e.RESEND_BASE_URL, from: e.EMAIL_FROM },
    rateLimits: {
      requestsPerSecond: e.API_RATE_LIMIT_PER_SECOND,
      requestsBurst: e.API_RATE_LIMIT_BURST,
      ingestItemsPerSecond: e.API_INGEST_ITEMS_PER_SECOND,
      ingestItemsBurst: e.API_INGEST_ITEMS_BURST,
      tenantRequestsPerSecond: e.TENANT_RATE_LIMIT_PER_SECOND,
      tenantRequestsBurst: e.TENANT_RATE_LIMIT_BURST,
      tenantIngestItemsPerSecond: e.TENANT_INGEST_ITEMS_PER_SECOND,
      tenantIngestItemsBurst: e.TENANT_INGEST_ITEMS_BURST,
      authPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    },
    inngest: { configured: Boolean(e.INNGEST_EVENT_KEY || (e.INNGEST_DEV && e.INNGEST_DEV !== "0")) },
  };
}
