// Numeric and size settings read from the environment (documented in .env.example). A value that is set but wrong
// stops with the variable's name and what it must be, instead of turning into NaN or a silent default.

type Env = Record<string, string | undefined>;

/** A whole number ≥ `min`; unset or empty → `fallback`. */
export function envInteger(name: string, fallback: number, min = 1, env: Env = process.env): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
  }
  return value;
}

/** A Postgres memory size such as 64MB, 512kB or 1GB; unset or empty → `fallback`. */
export function envMemorySize(name: string, fallback: string, env: Env = process.env): string {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+(kB|MB|GB)$/.test(raw)) throw new Error(`${name} must be a size like 128MB, 512kB or 1GB (got "${raw}")`);
  return raw;
}
