import { onRunMilestone } from "@/server/billing/milestones";
import { loadRun } from "@/server/billing/runs-core";

// E-mail of posted invoices to customers: a run posted with the option "e-mail invoices" starts its EMAIL job.
// Registered once per process, on import (engine.ts imports it next to the other milestone listeners).
const registered = globalThis as unknown as { billrunInvoiceEmailListener?: boolean };
if (!registered.billrunInvoiceEmailListener) {
  registered.billrunInvoiceEmailListener = true;
  onRunMilestone(async ({ db, tenantId, runId, milestone }) => {
    if (milestone !== "POSTED") return;
    // The e-mail job's module loads the PDF renderer (~0.7 s the first time in a process): only for runs that e-mail.
    const run = await loadRun(db, tenantId, runId);
    if (!run.emailInvoices) return;
    const { startInvoiceEmailsOnPost } = await import("./invoice-emails");
    await startInvoiceEmailsOnPost(db, run);
  });
}
