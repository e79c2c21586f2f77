// Every tRPC procedure (the dashboard's capabilities) and its REST v1 twin over the same service and zod schema —
// or why it is dashboard-only. tests/integration/api-parity.test.ts fails when a procedure is missing here, when a
// twin is not in the OpenAPI document or has no route file. Adding a procedure: add one line.

export type RestTwin = `${"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} /api/v1/${string}` | { dashboardOnly: string };

const CREDENTIALS =
  "manages the tenant's credentials or where its data is sent: a signed-in admin does it in Settings, never an API key (a leaked key must not be able to mint keys or redirect data)";

const MEMBERS = "who may sign in to the organization is decided by a signed-in admin (invitations by e-mail), never by an API key";

export const REST_TWINS: Record<string, RestTwin> = {
  "viewer.me": { dashboardOnly: "the signed-in user; an API key acts for its tenant, not for a person" },

  "billingRuns.list": "GET /api/v1/billing-runs",
  "billingRuns.get": "GET /api/v1/billing-runs/{id}",
  "billingRuns.formOptions": "GET /api/v1/billing-runs/options",
  "billingRuns.executions": "GET /api/v1/billing-runs/{id}/executions",
  "billingRuns.failures": "GET /api/v1/billing-runs/{id}/failures",
  "billingRuns.statistics": "GET /api/v1/billing-runs/{id}/statistics",
  "billingRuns.simulate": "POST /api/v1/billing-runs/{id}/simulation",
  "billingRuns.simulateNew": "POST /api/v1/billing-runs/simulation",
  "billingRuns.create": "POST /api/v1/billing-runs",
  "billingRuns.process": "POST /api/v1/billing-runs/{id}/process",
  "billingRuns.cancel": "POST /api/v1/billing-runs/{id}/cancel",
  "billingRuns.setDisabled": "POST /api/v1/billing-runs/{id}/disable",
  "billingRuns.saveDescription": "POST /api/v1/billing-runs/{id}/description",
  "billingRuns.saveMemo": "POST /api/v1/billing-runs/{id}/memo",
  "billingRuns.generateDocuments": "POST /api/v1/billing-runs/{id}/documents",
  "billingRuns.emailInvoices": "POST /api/v1/billing-runs/{id}/emails",
  "billingRuns.retryFailed": "POST /api/v1/billing-runs/{id}/retry-failed",

  "invoices.list": "GET /api/v1/billing-runs/{id}/invoices",
  "invoices.get": "GET /api/v1/invoices/{id}",
  "invoices.bulkAction": "POST /api/v1/billing-runs/{id}/invoices/bulk-actions",
  "invoices.saveMemo": "POST /api/v1/invoices/{id}/memo",
  "invoices.createCreditNote": "POST /api/v1/invoices/{id}/credit-notes",
  "invoices.postCreditNote": "POST /api/v1/credit-notes/{id}/post",
  "invoices.discardCreditNote": "POST /api/v1/credit-notes/{id}/discard",

  "review.rules.list": "GET /api/v1/review-rules",
  "review.rules.save": "POST /api/v1/review-rules",
  "review.approvalPolicy.get": "GET /api/v1/approval-policy",
  "review.approvalPolicy.save": "POST /api/v1/approval-policy",
  "review.approvals.list": "GET /api/v1/billing-runs/{id}/approvals",
  "review.approvals.approve": "POST /api/v1/billing-runs/{id}/approve",
  "review.approvals.sendBack": "POST /api/v1/billing-runs/{id}/send-back",
  "review.approvals.holdTimedPost": "POST /api/v1/billing-runs/{id}/hold-timed-post",
  "review.holds.list": "GET /api/v1/account-holds",
  "review.holds.place": "POST /api/v1/account-holds",
  "review.holds.release": "POST /api/v1/account-holds/{id}/release",
  "review.holds.accounts": "GET /api/v1/accounts",
  "review.audit.list": "GET /api/v1/audit-log",

  "schedules.list": "GET /api/v1/billing-schedules",
  "schedules.save": "POST /api/v1/billing-schedules",
  "schedules.delete": "POST /api/v1/billing-schedules/{id}/delete",

  "settings.exchangeRates.list": "GET /api/v1/exchange-rates",
  "settings.exchangeRates.set": "POST /api/v1/exchange-rates",
  "settings.exchangeRates.delete": "POST /api/v1/exchange-rates/{currency}/{rateDate}/delete",
  "settings.sellerIdentity.get": "GET /api/v1/seller-profile",
  "settings.sellerIdentity.save": "POST /api/v1/seller-profile",
  "settings.einvoiceProfile.get": "GET /api/v1/seller-profile/einvoice",
  "settings.einvoiceProfile.update": "POST /api/v1/seller-profile/einvoice",
  "settings.documentProfile.get": "GET /api/v1/seller-profile/document",
  "settings.documentProfile.save": "POST /api/v1/seller-profile/document",
  "settings.documentProfile.uploadLogo": "POST /api/v1/seller-profile/logo",
  "settings.documentProfile.removeLogo": "POST /api/v1/seller-profile/logo/remove",
  "settings.taxSettings.get": "GET /api/v1/tax-settings",
  "settings.taxSettings.save": "POST /api/v1/tax-settings",
  "settings.taxSettings.setRate": "POST /api/v1/vat-rates",
  "settings.taxSettings.deleteRate": "POST /api/v1/vat-rates/{country}/{rateType}/{validFrom}/delete",

  "outbox.list": "GET /api/v1/outbox",
  "outbox.get": "GET /api/v1/outbox/{id}",

  "settings.apiKeys.list": { dashboardOnly: CREDENTIALS },
  "settings.apiKeys.create": { dashboardOnly: CREDENTIALS },
  "settings.apiKeys.revoke": { dashboardOnly: CREDENTIALS },
  "settings.webhookSecrets.list": { dashboardOnly: CREDENTIALS },
  "settings.webhookSecrets.rotate": { dashboardOnly: CREDENTIALS },
  "settings.webhookSecrets.revoke": { dashboardOnly: CREDENTIALS },
  "settings.webhookEndpoints.list": { dashboardOnly: CREDENTIALS },
  "settings.webhookEndpoints.create": { dashboardOnly: CREDENTIALS },
  "settings.webhookEndpoints.update": { dashboardOnly: CREDENTIALS },
  "settings.webhookEndpoints.delete": { dashboardOnly: CREDENTIALS },
  "settings.webhookEndpoints.deliveries": { dashboardOnly: CREDENTIALS },
  "settings.members.invitations": { dashboardOnly: MEMBERS },
  "settings.members.invite": { dashboardOnly: MEMBERS },
};

/** Capabilities the REST API has beyond the dashboard's procedures (documented, routed, but no tRPC twin). */
export const REST_ONLY = ["GET /api/v1/billing-runs/{id}/documents.zip", "GET /api/v1/billing-runs/{id}/simulation.csv", "POST /api/v1/billing-runs/simulation.csv", "GET /api/v1/billing-runs/{id}/executions/{executionId}", "GET /api/v1/billing-runs/{id}/executions/{executionId}/log"];
