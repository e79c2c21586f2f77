import { HttpProblem } from "./problem";

/**
 * Postgres text and jsonb refuse NUL characters and unpaired UTF-16 surrogates, which JSON allows. Refusing them
 * here, with the field's path, keeps such input a clear 400 whatever schema (ours or the engine's) reads the body.
 */
export function assertStorableJson(value: unknown, rawText?: string): void {
  // JSON text carries NUL and lone surrogates only as \u escapes (raw control characters are invalid JSON, and
  // invalid UTF-8 decodes to U+FFFD): a body without such an escape needs no walk over its 10,000 items.
  if (rawText !== undefined && !MAY_BE_UNSTORABLE.test(rawText)) return;
  const path = findUnstorable(value, []);
  if (path) {
    const field = path.length ? path.join(".") : "(body)";
    throw new HttpProblem("BAD_REQUEST", `${field}: must not contain NUL characters or unpaired surrogates`, [
      { field, message: "must not contain NUL characters or unpaired surrogates" },
    ]);
  }
}

const MAY_BE_UNSTORABLE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

const unstorable = (s: string) => s.includes("\u0000") || /[\ud800-\udfff]/u.test(s);

function findUnstorable(value: unknown, path: (string | number)[]): (string | number)[] | null {
  if (typeof value === "string") return unstorable(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (unstorable(key)) return [...path, key];
      const found = findUnstorable(child, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}
