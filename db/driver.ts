export type DriverName = "pglite" | "node-postgres" | "neon";

/** Picks the database driver from the environment (see README "Database"). */
export function selectDriver(env: { DATABASE_URL?: string; DATABASE_DRIVER?: string }): DriverName {
  const url = env.DATABASE_URL?.trim();
  if (!url) return "pglite";
  const forced = env.DATABASE_DRIVER?.trim();
  if (forced === "neon" || forced === "node-postgres") return forced;
  if (forced) throw new Error(`DATABASE_DRIVER must be "neon" or "node-postgres", got "${forced}"`);
  const host = safeHost(url);
  return host.endsWith(".neon.tech") || host.endsWith(".neon.build") ? "neon" : "node-postgres";
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    throw new Error("DATABASE_URL is not a valid URL (expected postgres://user:pass@host:port/db)");
  }
}
