/**
 * The app-side cost of one rated-item ingest batch, per phase, without HTTP or Postgres:
 * `npx tsx bench/ingest-phases.ts [--items 10000] [--rounds 20]`. The batch is the one `bench:api` sends.
 * Prints one JSON line with the median ms of each phase: JSON parse, storable-text check, the zod schema alone, the
 * validation ingest runs (parseRatedItemBatch), the column arrays of the insert.
 */
import { assertStorableJson } from "@/server/api/json-text";
import { ratedItemColumns } from "@/server/api/ingest/rated-items";
import { parseRatedItemBatch } from "@/server/api/ingest/rated-items-fast-parse";
import { ingestRatedItemsInput } from "@/server/api/ingest/schemas";
import { benchRatedItem } from "./bench-rated-item";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const size = arg("items", 10_000);
const rounds = arg("rounds", 20);
const raw = JSON.stringify({
  items: Array.from({ length: size }, (_, n) => benchRatedItem("Babc123", n, n % 1000)),
});

const phases: Record<string, number[]> = { parse: [], storable: [], zod: [], validate: [], columns: [] };
const time = <T>(phase: string, f: () => T): T => {
  const started = performance.now();
  const result = f();
  phases[phase].push(performance.now() - started);
  return result;
};
for (let r = 0; r < rounds; r++) {
  const json = time("parse", () => JSON.parse(raw) as unknown);
  time("storable", () => assertStorableJson(json, raw));
  time("zod", () => ingestRatedItemsInput.parse(json));
  const { items } = time("validate", () => parseRatedItemBatch(json));
  time("columns", () => ratedItemColumns(items));
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(JSON.stringify({ items: size, rounds, bytes: raw.length, ...Object.fromEntries(Object.entries(phases).map(([k, v]) => [`${k}_ms`, Number(median(v).toFixed(2))])) }));
