import type { Db } from "@/db/client";

// Run milestones (drafts ready, posted, failed) for notifications and outgoing webhooks.
// Listeners are registered by those modules; a failing listener never fails the billing run.

export type RunMilestone = {
  /** the database the run lives in (listeners write outbox / delivery rows there) */
  db: Db;
  tenantId: string;
  runId: string;
  milestone: "DRAFTS_READY" | "POSTED" | "FAILED";
  error?: string;
};
type Listener = (event: RunMilestone) => void | Promise<void>;

const globalListeners = globalThis as unknown as { billrunMilestoneListeners?: Set<Listener> };
const listeners = (globalListeners.billrunMilestoneListeners ??= new Set<Listener>());

export function onRunMilestone(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function emitRunMilestone(event: RunMilestone): Promise<void> {
  for (const listener of listeners) {
    try {
      await listener(event);
    } catch (error) {
      console.error(`[billing] milestone listener failed for ${event.milestone} of run ${event.runId}:`, error);
    }
  }
}
