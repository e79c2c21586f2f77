// Next.js calls register() once when a server process starts.
export async function register() {
  // `next build` loads this file too, and must never open the (embedded) database.
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { startServerRuntime } = await import("./composition-root");
    await startServerRuntime();
  }
}
