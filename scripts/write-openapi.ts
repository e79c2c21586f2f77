import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildOpenApiDocument } from "@/server/api/openapi";

// Writes the OpenAPI document of /api/v1 (as served at /api/v1/openapi.json) to a file, for `redocly lint` and
// `openapi-typescript` (npm run openapi:check).
const target = process.argv[2] ?? ".data/openapi.json";
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify(buildOpenApiDocument(), null, 2) + "\n");
console.log(`wrote ${target}`);
