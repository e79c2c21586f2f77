import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { TestProject } from "vitest/node";
import { openDatabase, type Database } from "@/db/client";
import { createApiKey } from "@/server/api/api-keys";
import { createTenant } from "@/server/tenants/create-tenant";
import { rotateWebhookSecret } from "@/server/webhooks/secrets";

export type ContractTenant = { tenantId: string; slug: string; billingCycleId: string; key: string; viewerKey: string; secret: string };
export type ContractFixtures = { baseUrl: string; tenants: ContractTenant[] };

declare module "vitest" {
  export interface ProvidedContext {
    contract: ContractFixtures;
  }
}

async function seedTenant(database: Database, label: string): Promise<ContractTenant> {
  const suffix = randomUUID().slice(0, 8);
  const slug = `contract-${label}-${suffix}`;
  const { tenantId, billingCycleId } = await createTenant(database.db, {
    name: `Contract ${label} ${suffix}`,
    slug,
    profile: {
      legalName: `Contract ${label} GmbH`,
      addressLine: "Teststraße 1",
      city: "Berlin",
      postalCode: "10115",
      country: "DE",
      vatId: "DE123456789",
      iban: "DE89370400440532013000",
      email: "billing@contract.example",
    },
  });
  const key = (await createApiKey(database.db, tenantId, { name: "contract", role: "operator" }, null)).key;
  const viewerKey = (await createApiKey(database.db, tenantId, { name: "contract viewer", role: "viewer" }, null)).key;
  const { secret } = await rotateWebhookSecret(database.db, tenantId);
  return { tenantId, slug, billingCycleId, key, viewerKey, secret };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });

async function waitUntilUp(baseUrl: string, child: ChildProcess | null, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before answering`);
    try {
      const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${baseUrl} did not answer within ${timeoutMs / 1000} s`);
}

export default async function setup(project: TestProject) {
  const target = process.env.CONTRACT_BASE_URL?.replace(/\/$/, "");
  let child: ChildProcess | null = null;
  let baseUrl: string;
  let tenants: ContractTenant[];

  if (target) {
    const url = process.env.CONTRACT_DATABASE_URL;
    if (!url) throw new Error("CONTRACT_BASE_URL needs CONTRACT_DATABASE_URL (the app's Postgres) to create the test tenants and keys");
    const database = await openDatabase({ url, migrate: false, poolMax: 2 });
    tenants = [await seedTenant(database, "a"), await seedTenant(database, "b")];
    await database.close();
    baseUrl = target;
  } else {
    if (!fs.existsSync(path.join(process.cwd(), ".next/BUILD_ID"))) {
      throw new Error("no built app: run `npm run build` first, or set CONTRACT_BASE_URL to a running app");
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      // the suite sends thousands of requests per key; rate limits are tested in tests/integration/api-rate-limit.test.ts
      API_RATE_LIMIT_PER_SECOND: "1000000",
      API_RATE_LIMIT_BURST: "1000000",
      TENANT_RATE_LIMIT_PER_SECOND: "1000000",
      TENANT_RATE_LIMIT_BURST: "1000000",
      BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? "contract-suite-only-secret-0123456789abcdef",
    };
    let database: Database;
    if (process.env.DATABASE_URL) {
      database = await openDatabase({ url: process.env.DATABASE_URL, migrate: true, poolMax: 2 });
    } else {
      // A fresh embedded database, seeded here and closed before the app opens it (one process per PGlite dir).
      const dataDir = path.join(process.cwd(), `.data/contract-${process.pid}`);
      fs.rmSync(dataDir, { recursive: true, force: true });
      database = await openDatabase({ driver: "pglite", dataDir });
      env.PGLITE_DATA_DIR = dataDir;
    }
    tenants = [await seedTenant(database, "a"), await seedTenant(database, "b")];
    await database.close();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.join(process.cwd(), "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    fs.mkdirSync(path.join(process.cwd(), ".data"), { recursive: true });
    const log = fs.createWriteStream(path.join(process.cwd(), ".data/contract-app.log"));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  await waitUntilUp(baseUrl, child);
  project.provide("contract", { baseUrl, tenants });

  return async () => {
    if (!child) return;
    child.kill("SIGTERM");
    await new Promise((r) => child!.once("exit", r));
    if (process.env.PGLITE_KEEP !== "1" && !process.env.DATABASE_URL) {
      fs.rmSync(path.join(process.cwd(), `.data/contract-${process.pid}`), { recursive: true, force: true });
    }
  };
}
