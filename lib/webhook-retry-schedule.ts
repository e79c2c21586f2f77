// The one retry schedule of outgoing webhooks, used by the in-process outbox sweeper and by the outbox-sweep Inngest
// function alike: an attempt at once, then one after each delay (about 27.5 hours in all), then give up. Plain
// constants in lib/, so the settings page shows the same number of attempts.

/** Seconds to wait after failed attempt n (index n - 1) before attempt n + 1. */
export const WEBHOOK_RETRY_DELAYS_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const;

export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_SECONDS.length + 1;

/** Seconds until the attempt after failed attempt `attempt` (1-based), or null when it was the last one. */
export function retryDelaySeconds(attempt: number): number | null {
  return attempt >= 1 && attempt < WEBHOOK_MAX_ATTEMPTS ? WEBHOOK_RETRY_DELAYS_SECONDS[attempt - 1] : null;
}
