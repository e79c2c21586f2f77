import fs from "node:fs";
import path from "node:path";
/* eslint-disable @typescript-eslint/no-explicit-any -- walks the JSON document */
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/openapi.json/route";

// Structural validity of the OpenAPI document (no validator package installed): version, operations with
// responses, every $ref resolves, operation ids unique, and every REST route file is documented.

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

function resolvePointer(doc: unknown, pointer: string): unknown {
  if (!pointer.startsWith("#/")) return undefined;
  return pointer
    .slice(2)
    .split("/")
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), doc);
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, out));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(full) : e.name === "route.ts" ? [full] : [];
  });
}

describe("GET /api/v1/openapi.json", async () => {
  const response = GET();
  const doc = await response.json();

  it("is an OpenAPI 3.1 document", () => {
    expect(response.status).toBe(200);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("has operations with responses on every path, and unique operation ids", () => {
    const ids: string[] = [];
    for (const [p, item] of Object.entries<Record<string, { operationId: string; responses: Record<string, unknown> }>>(doc.paths)) {
      expect(p.startsWith("/"), p).toBe(true);
      const operations = Object.entries(item).filter(([m]) => METHODS.includes(m));
      expect(operations.length, p).toBeGreaterThan(0);
      for (const [method, op] of operations) {
        expect(Object.keys(op.responses).length, `${method} ${p}`).toBeGreaterThan(0);
        for (const code of Object.keys(op.responses)) expect(code, `${method} ${p}`).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        ids.push(op.operationId);
        // path templates and path parameters agree
        const templated = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const declared = ((op as { parameters?: { in?: string; name?: string; $ref?: string }[] }).parameters ?? [])
          .map((param) => (param.$ref ? (resolvePointer(doc, param.$ref) as { in: string; name: string }) : param))
          .filter((param) => param.in === "path")
          .map((param) => param.name);
        expect(declared.sort(), `${method} ${p}`).toEqual(templated.sort());
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("resolves every $ref", () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const r of refs) expect(resolvePointer(doc, r), r).toBeDefined();
  });

  it("documents every REST route with the methods it exports, and uses the shared schemas", () => {
    const root = path.join(process.cwd(), "app/api/v1");
    for (const file of routeFiles(root)) {
      const route = "/api/v1" + path.dirname(path.relative(root, file)).replace(/^\.$/, "").replace(/^/, "/").replace(/\[(\w+)\]/g, "{$1}").replace(/\/$/, "");
      const exported = [...fs.readFileSync(file, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1].toLowerCase());
      expect(doc.paths[route], route).toBeDefined();
      expect(Object.keys(doc.paths[route]).filter((m) => METHODS.includes(m)).sort(), route).toEqual(exported.sort());
    }
    const item = doc.components.schemas.IngestRatedItemsInput.properties.items;
    expect(item.maxItems).toBe(10_000);
    expect(item.items.properties.amount.pattern).toBe("^-?\\d{1,14}(\\.\\d{1,6})?$");
    expect(doc.components.schemas.CreateRunInput.properties.mode.enum).toEqual(["MANUAL", "REVIEW", "AUTO_POST"]);
  });

  it("documents strict ingest input, onConflict and the 409 with the conflicting rows", () => {
    const op = doc.paths["/api/v1/rated-items"].post;
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: "onConflict", in: "query", schema: expect.objectContaining({ enum: ["reject", "update"] }) }));
    expect(op.responses["409"].content["application/problem+json"].schema).toEqual({ $ref: "#/components/schemas/IngestConflictProblem" });
    const conflict = doc.components.schemas.IngestConflictProblem.properties.conflicts.items;
    expect(conflict.required).toEqual(["index", "externalId", "fields", "stored", "sent", "state"]);
    expect(op.description).toMatch(/half a minor unit/);
    const item = doc.components.schemas.IngestRatedItemsInput.properties.items.items;
    expect(item.properties.currency.description).toMatch(/ISO 4217/);
    expect(item.properties.amount.description).toMatch(/sign of quantity × unitPrice/);
  });
  it("has an example of each operation's request body and JSON answer (Redocly checks them against the schemas)", () => {
    const missing: string[] = [];
    for (const [p, item] of Object.entries<Record<string, Record<string, any>>>(doc.paths)) {
      for (const [method, op] of Object.entries(item).filter(([m]) => METHODS.includes(m))) {
        const body = op.requestBody?.content?.["application/json"];
        if (body && body.example === undefined) missing.push(`${method} ${p} request`);
        const success = Object.keys(op.responses).find((code) => code.startsWith("2"));
        const answer = success ? op.responses[success].content?.["application/json"] : undefined;
        if (answer && answer.example === undefined) missing.push(`${method} ${p} response`);
      }
    }
    expect(missing).toEqual([]);
  });
});
