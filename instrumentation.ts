// Next.js calls register() once when a server process starts.
export async function register() {
  // `next build` loads this file too, and must never open the (embedded) database.
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { checkSettings } = await import("@/server/settings-check");
    checkSettings();
    // Pending outgoing webhooks (also those left by a previous process) are retried from the database.
    const { startWebhookSweeperUnlessInngest } = await import("@/server/webhooks/sweeper");
    await startWebhookSweeperUnlessInngest();
  }
}
