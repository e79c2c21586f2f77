import { onRunMilestone } from "@/server/billing/milestones";
import { publishRunMilestone } from "./outgoing";
import { pruneWebhookHistorySometimes } from "./retention";

// Outgoing webhooks for run milestones (billing_run.* and invoice.posted). Registered once per process.
// Milestones are also when old finished messages are pruned (with or without Inngest; at most hourly).
const registered = globalThis as unknown as { billrunWebhookListener?: boolean };
if (!registered.billrunWebhookListener) {
  registered.billrunWebhookListener = true;
  onRunMilestone(async ({ db, ...milestone }) => {
    await publishRunMilestone(db, milestone);
    await pruneWebhookHistorySometimes(db);
  });
}
