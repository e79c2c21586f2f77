import { onRunMilestone } from "@/server/billing/milestones";
import { publishRunMilestone } from "./outgoing";

// Outgoing webhooks for run milestones (billing_run.* and invoice.posted). Registered once per process.
const registered = globalThis as unknown as { billrunWebhookListener?: boolean };
if (!registered.billrunWebhookListener) {
  registered.billrunWebhookListener = true;
  onRunMilestone(({ db, ...milestone }) => publishRunMilestone(db, milestone).then(() => undefined));
}
