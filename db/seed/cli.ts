import { parseArgs } from "node:util";
import { composeRuntime } from "@/composition-root";
import { openDatabase } from "@/db/client";
import { env } from "@/server/env";
import { createTenant } from "@/server/tenants/create-tenant";
import { ensureDemoData } from "./demo";
import { seedTenantData } from "./generate";

// npm run seed -- --accounts N --items M   → a new tenant with N accounts and M rated items (set-based SQL)
// npm run seed -- --demo                   → the demo tenant and login, if missing
const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "1000" },
    items: { type: "string", default: "10000" },
    demo: { type: "boolean", default: false },
  },
});
const accounts = Number(values.accounts);
const items = Number(values.items);
if (!Number.isInteger(accounts) || accounts < 1) throw new Error("--accounts must be a positive integer");
if (!Number.isInteger(items) || items < 0) throw new Error("--items must be a non-negative integer");

// Scripts build their runtime through the composition root too (settings validated; no outbox sweeper: a script
// writes no outbox rows a server would not also find).
const scriptRuntime = composeRuntime({ outbox: "off" });
const url = env.DATABASE_URL;
const database = await openDatabase({ url, migrate: !url });
try {
  if (values.demo) {
    const login = await ensureDemoData(database.db);
    // the demo's previous month is posted by background jobs: let them finish before the database closes
    await scriptRuntime.jobs.idle();
    console.info(login ? `demo data created — log in as ${login.email} / ${login.password}` : "demo data already present");
  } else {
    const started = performance.now();
    const tag = `T${Date.now().toString(36).toUpperCase()}`;
    const { tenantId, billingCycleId } = await createTenant(database.db, {
      name: `Load test ${tag}`,
      slug: `load-${tag.toLowerCase()}`,
      profile: { legalName: `Load test ${tag} Ltd`, addressLine: "1 Bench Road", city: "Berlin", postalCode: "10115", country: "DE", vatId: "DE999999999" },
    });
    const parallel = database.driver === "pglite" ? 1 : 2;
    const counts = await seedTenantData(database.db, { tenantId, billingCycleId, accounts, items, tag, parallel });
    const seconds = (performance.now() - started) / 1000;
    console.info(JSON.stringify({ driver: database.driver, tenantId, ...counts, seconds: Number(seconds.toFixed(2)) }));
  }
} finally {
  await database.close();
}
