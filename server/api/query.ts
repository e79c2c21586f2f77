import { HttpProblem } from "./problem";

type QuerySpec = { arrays?: string[]; numbers?: string[]; booleans?: string[]; allowed: string[] };

/**
 * Turns a query string into the plain object the shared zod input schemas expect: arrays as repeated or
 * comma-separated parameters, numbers and booleans converted; unknown parameters are refused.
 */
export function queryToInput(url: URL, spec: QuerySpec): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const unknown = [...new Set(url.searchParams.keys())].filter((k) => !spec.allowed.includes(k));
  if (unknown.length) {
    throw new HttpProblem(
      "BAD_REQUEST",
      `Unknown query parameter${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
      unknown.map((field) => ({ field, message: `is not a parameter of this endpoint (allowed: ${spec.allowed.join(", ")})` })),
    );
  }
  for (const key of spec.allowed) {
    const values = url.searchParams.getAll(key);
    if (!values.length) continue;
    if (spec.arrays?.includes(key)) input[key] = values.flatMap((v) => v.split(",")).filter(Boolean);
    else if (spec.numbers?.includes(key)) input[key] = /^-?\d+$/.test(values[0]) ? Number(values[0]) : values[0];
    else if (spec.booleans?.includes(key)) input[key] = values[0] === "true" ? true : values[0] === "false" ? false : values[0];
    else input[key] = values[0];
  }
  return input;
}
