import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import type { ApiHandler } from "@/server/api/endpoint";
import { buildOpenApiDocument } from "@/server/api/openapi";
import { configureRuntime, recordingRunner } from "@/tests/support/runtime";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest, tenantWithKey } from "./api-support";

// Fuzz of every POST/PUT/PATCH route of app/api/v1 (found from the route files, so a new route is fuzzed without a line
// here): ≥ 2,000 generated hostile payloads, each answered 4xx problem+json naming the field, the database unchanged.
// Payloads are the operation's OpenAPI request example with one field given a value of a type its schema does not
// allow, a required field removed or an unknown field added; or a body that is not a JSON object at all. The route
// handlers are called in-process on one shared embedded database; "unchanged" is a checksum of every table's rows
// (rate-limit buckets and API keys' last use aside) taken before and after each route's payloads. Embedded database only: the other engines
// run the same handlers, and this file's value is the breadth of inputs, not the engine.

const PAYLOADS = 2_100;
const METHODS = ["POST", "PUT", "PATCH"] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;
type Route = { method: string; template: string; operationId: string; handler: ApiHandler; body: Schema | null; example: Json | undefined };
type Payload = { raw: string; expectField: (field: string, message: string) => boolean; what: string; pathId?: string };

const handlers = import.meta.glob<Record<string, unknown>>("../../server/api/routes/*.ts", { eager: true });
const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Schema> } };

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(full) : e.name === "route.ts" ? [full] : [];
  });
}

function resolve(schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  const ref = schema.$ref as string | undefined;
  return ref ? resolve(doc.components.schemas[ref.split("/").pop()!]) : schema;
}

/** The schema branches a value at this schema may match (anyOf / oneOf / allOf flattened). */
function branches(schema: Schema | undefined): Schema[] {
  const s = resolve(schema);
  if (!s) return [];
  const nested = [...((s.anyOf as Schema[]) ?? []), ...((s.oneOf as Schema[]) ?? []), ...((s.allOf as Schema[]) ?? [])];
  return [s, ...nested.flatMap(branches)];
}

function allowedTypes(schema: Schema | undefined): Set<string> | null {
  const types = new Set<string>();
  for (const b of branches(schema)) {
    const t = b.type;
    if (typeof t === "string") types.add(t);
    else if (Array.isArray(t)) t.forEach((x) => types.add(String(x)));
    if (b.const !== undefined) types.add(typeof b.const);
  }
  return types.size ? types : null;
}

function childSchema(schema: Schema | undefined, key: string | number): Schema | undefined {
  for (const b of branches(schema)) {
    if (typeof key === "number" && b.items) return b.items as Schema;
    const property = (b.properties as Record<string, Schema> | undefined)?.[String(key)];
    if (property) return property;
  }
  return undefined;
}

const isRequired = (parent: Schema | undefined, key: string) => branches(parent).some((b) => ((b.required as string[]) ?? []).includes(key));
const isClosed = (schema: Schema | undefined) => branches(schema).some((b) => b.type === "object" && b.additionalProperties === false);

/** Every location in the example: its path, its schema and its parent's. */
function locations(value: Json, schema: Schema | undefined, at: (string | number)[] = [], parent?: Schema): { at: (string | number)[]; schema: Schema | undefined; parent: Schema | undefined; value: Json }[] {
  const here = at.length ? [{ at, schema, parent, value }] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => locations(v, childSchema(schema, i), [...at, i], schema))];
  if (value && typeof value === "object") return [...here, ...Object.entries(value).flatMap(([k, v]) => locations(v, childSchema(schema, k), [...at, k], schema))];
  return here;
}

const WRONG: [string, Json][] = [
  ["string", "ZZZ"],
  ["number", 1.5],
  ["integer", -7],
  ["boolean", true],
  ["null", null],
  ["array", [1, "x"]],
  ["object", { __proto__x: 1 }],
];
const typeAllowed = (allowed: Set<string>, candidate: string) => allowed.has(candidate) || (candidate === "integer" && allowed.has("number"));
const NOT_OBJECTS = ["[]", "[{}]", "0", "-1e999", '"text"', "null", "true", "{", '{"a":', "{'a':1}", "\u0000", "[1,2,3]", "NaN"];

function withValue(example: Json, at: (string | number)[], change: (parent: Record<string, Json> | Json[], key: string | number) => void): Json {
  const copy = structuredClone(example) as Json;
  let node = copy as Record<string, Json> | Json[];
  for (const key of at.slice(0, -1)) node = (node as Record<string, Json>)[key as string] as Record<string, Json>;
  change(node, at[at.length - 1]);
  return copy;
}

/** The n-th hostile payload of a route (n picks the kind, the location and the value). */
function payload(route: Route, pick: { kind: number; where: number; value: number }): Payload {
  const bodyless = (field: string) => field === "(body)";
  if (!route.body || route.example === undefined || pick.kind % 5 === 0) {
    const raw = NOT_OBJECTS[pick.value % NOT_OBJECTS.length];
    return { raw, expectField: bodyless, what: `not an object: ${raw}` };
  }
  const spots = locations(route.example, route.body);
  const typed = spots.filter((s) => allowedTypes(s.schema));
  const kind = pick.kind % 5;
  if (kind === 1) {
    const closed = [{ at: [] as (string | number)[], schema: route.body }, ...spots.filter((s) => s.value && typeof s.value === "object" && !Array.isArray(s.value))].filter((s) => isClosed(s.schema));
    if (closed.length) {
      const spot = closed[pick.where % closed.length];
      const key = `unexpected_${pick.value % 97}`;
      const body = spot.at.length ? withValue(route.example, [...spot.at, key], (parent, k) => void ((parent as Record<string, Json>)[k as string] = "surprise")) : { ...(route.example as Record<string, Json>), [key]: "surprise" };
      const field = spot.at.length ? spot.at.join(".") : "(body)";
      return { raw: JSON.stringify(body), expectField: (f, m) => (f === field || f === `${field}.${key}` || f === key) && (m.includes(key) || f.endsWith(key)), what: `unknown field ${key} at ${field}` };
    }
  }
  if (kind === 2) {
    const required = spots.filter((s) => typeof s.at[s.at.length - 1] === "string" && isRequired(s.parent, s.at[s.at.length - 1] as string));
    if (required.length) {
      const spot = required[pick.where % required.length];
      const body = withValue(route.example, spot.at, (parent, k) => void delete (parent as Record<string, Json>)[k as string]);
      const field = spot.at.join(".");
      return { raw: JSON.stringify(body), expectField: (f) => f === field || field.startsWith(`${f}.`), what: `without required ${field}` };
    }
  }
  const spot = typed[pick.where % typed.length];
  const allowed = allowedTypes(spot.schema)!;
  const wrong = WRONG.filter(([t]) => !typeAllowed(allowed, t));
  const [, value] = wrong[pick.value % wrong.length];
  const body = withValue(route.example, spot.at, (parent, k) => void ((parent as Record<string, Json>)[k as string] = value));
  const field = spot.at.join(".");
  return {
    raw: JSON.stringify(body),
    // a union's refusal names the union (an enclosing field); an object's, the field inside it that is missing
    expectField: (f) => f === field || field.startsWith(`${f}.`) || f.startsWith(`${field}.`),
    what: `${field} = ${JSON.stringify(value)} (allowed: ${[...allowed].join("|")})`,
  };
}

/** A checksum of every row of every table but the rate-limit buckets (each request takes tokens) and a key's last use. */
async function databaseChecksum(tables: string[]): Promise<string> {
  const parts = tables.map((t) => `SELECT '${t}' || ':' || count(*) || ':' || coalesce(md5(string_agg((to_jsonb(x) - 'last_used_at')::text, '|' ORDER BY (to_jsonb(x) - 'last_used_at')::text)), '') AS part FROM "${t}" x`);
  const [row] = await queryRows<{ sum: string }>(database.db, sql.raw(`SELECT md5(string_agg(part, ',' ORDER BY part)) AS sum FROM (${parts.join(" UNION ALL ")}) p`));
  return row.sum;
}

let database: TestDatabase;
let key: string;
let tables: string[];
const routes: Route[] = [];
const unfuzzable: string[] = [];

const root = path.join(process.cwd(), "app/api/v1");
for (const file of routeFiles(root)) {
  const source = fs.readFileSync(file, "utf8");
  const template = "/api/v1" + path.dirname(path.relative(root, file)).replace(/^\.$/, "").replace(/^/, "/").replace(/\[(\w+)\]/g, "{$1}").replace(/\/$/, "");
  for (const [, method] of source.matchAll(new RegExp(`export const (${METHODS.join("|")})\\b`, "g"))) {
    const name = new RegExp(`export const ${method} = [^\\n]*serveApi\\(getDb, (\\w+),`).exec(source)?.[1];
    const handler = name ? Object.values(handlers).find((m) => typeof m[name] === "function")?.[name] : undefined;
    const operation = doc.paths[template]?.[method.toLowerCase()];
    if (!handler || !operation) {
      unfuzzable.push(`${method} ${template}: ${!handler ? "its handler is not an apiEndpoint of server/api/routes" : "no OpenAPI operation"}`);
      continue;
    }
    const content = (operation.requestBody as { content?: Record<string, { schema?: Schema; example?: Json }> } | undefined)?.content?.["application/json"];
    routes.push({ method, template, operationId: String(operation.operationId), handler: handler as ApiHandler, body: resolve(content?.schema) ?? null, example: content?.example });
  }
}

describe.skipIf(process.env.TEST_DB)("fuzz of every POST endpoint (embedded database only: the inputs' breadth matters here, not the engine)", () => {
  beforeAll(async () => {
    configureRuntime({ jobs: recordingRunner("inline", []) });
    database = await createTestDatabase();
    ({ key } = await tenantWithKey(database.db, "admin"));
    tables = (
      await queryRows<{ name: string }>(database.db, sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'rate_limit_buckets' ORDER BY 1`)
    ).map((r) => r.name);
  });
  afterAll(async () => {
    configureRuntime();
    await database?.close();
  });

  it("finds every POST/PUT/PATCH route of app/api/v1, each with its handler, OpenAPI operation and (with a body) a request example", () => {
    expect(unfuzzable).toEqual([]);
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => r.body && r.example === undefined).map((r) => r.operationId)).toEqual([]);
  });

  it(`${PAYLOADS} hostile payloads across them: each a 4xx problem+json naming the field, nothing stored`, async () => {
    const perRoute = Math.ceil(PAYLOADS / routes.length);
    let sent = 0;
    for (const [index, route] of routes.entries()) {
      const before = await databaseChecksum(tables);
      const params = { id: randomUUID(), executionId: randomUUID(), currency: "USD", rateDate: "2026-01-01" };
      const url = route.template.replace(/\{(\w+)\}/g, (_, name: keyof typeof params) => params[name]);
      await fc.assert(
        fc.asyncProperty(fc.record({ kind: fc.nat(), where: fc.nat(), value: fc.nat() }), async (pick) => {
          const p = payload(route, pick);
          const res = await call(route.handler, database.db, jsonRequest(route.method, url, { key, rawBody: p.raw }), params);
          const context = `${route.method} ${route.template} ← ${p.what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
          expect(res.headers.get("content-type"), context).toBe("application/problem+json");
          expect(res.status, context).toBe(400);
          const errors = (res.body.errors ?? []) as { field: string; message: string }[];
          expect(errors.some((e) => p.expectField(e.field, e.message)), context).toBe(true);
        }),
        { numRuns: perRoute, seed: 20_261_207 + index, endOnFailure: true },
      );
      sent += perRoute;
      expect(await databaseChecksum(tables), `${route.method} ${route.template} changed the database`).toBe(before);
    }
    expect(sent).toBeGreaterThanOrEqual(2_000);
  }, 300_000);
});
