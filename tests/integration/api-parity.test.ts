import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/server/api/openapi";
import { REST_ONLY, REST_TWINS } from "@/server/api/rest-twins";
import { appRouter } from "@/server/trpc/routers/_app";

// Parity: every tRPC procedure (what the dashboard can do) has a documented, routed REST v1 twin, or says why not.

const procedures = Object.keys((appRouter._def as unknown as { procedures: Record<string, unknown> }).procedures).sort();
const twins = Object.values(REST_TWINS).filter((twin) => typeof twin === "string");

function routeFile(apiPath: string) {
  const segments = apiPath.replace(/^\//, "").split("/").map((s) => s.replace(/^\{(.+)\}$/, "[$1]"));
  return path.join(process.cwd(), "app", ...segments, "route.ts");
}

describe("REST parity with the dashboard", () => {
  it("lists every tRPC procedure with its REST twin or a reason to be dashboard-only", () => {
    expect(procedures.length).toBeGreaterThan(20);
    const missing = procedures.filter((p) => !(p in REST_TWINS));
    expect(missing, "tRPC procedures without a REST twin: add them to server/api/rest-twins.ts").toEqual([]);
    const stale = Object.keys(REST_TWINS).filter((p) => !procedures.includes(p));
    expect(stale, "entries of server/api/rest-twins.ts that are no tRPC procedure").toEqual([]);
    for (const [name, twin] of Object.entries(REST_TWINS)) {
      if (typeof twin !== "string") expect(twin.dashboardOnly.length, name).toBeGreaterThan(20);
    }
  });

  it("documents and routes every twin", () => {
    const paths = buildOpenApiDocument().paths as Record<string, Record<string, unknown>>;
    for (const twin of [...twins, ...REST_ONLY]) {
      const [method, apiPath] = twin.split(" ");
      expect(paths[apiPath]?.[method.toLowerCase()], `${twin} in the OpenAPI document`).toBeDefined();
      const file = routeFile(apiPath);
      expect(existsSync(file), `${twin}: ${file}`).toBe(true);
      expect(readFileSync(file, "utf8"), `${twin}: ${file} exports ${method}`).toMatch(new RegExp(`export (const|async function|function) ${method}\\b`));
    }
  });
});
