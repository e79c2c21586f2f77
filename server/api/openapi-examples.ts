// An example request body (POST with a body) and success answer for every operation of the OpenAPI document, keyed by
// operationId. withExamples() puts them into the document; tests/integration/api-openapi-examples.test.ts fails when
// an operation has none, and the POST fuzz (api-fuzz-endpoints.test.ts) mutates the request examples.

import { simulationSchema } from "./simulation-openapi";

type Example = { request?: unknown; response?: unknown };

const RUN = "7f3c2a10-5b8e-4c1d-9a6f-2e4b8c0d1f35";
const CYCLE = "0b6f1e2c-3d4a-4b5c-8d7e-9f0a1b2c3d4e";
const ACCOUNT = "5a1d9c3e-7b2f-4e6a-8c0d-1f2e3a4b5c6d";
const INVOICE = "c2e4f6a8-1b3d-4f5a-9c7e-0d2f4a6b8c1e";
const EXECUTION = "e1d2c3b4-a5f6-4789-8abc-def012345678";
const CREDIT_NOTE = "9d8c7b6a-5f4e-4d3c-a2b1-0f9e8d7c6b5a";
const HOLD = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
const AT = "2026-12-01T09:30:00.000Z";

const upsertResult = { received: 1, created: 1, updated: 0 };
const documentProfile = { tradeRegister: "Amtsgericht Berlin HRB 123456", managingDirectors: "Erika Mustermann", defaultLanguage: "de", logo: null };
const processResult = { started: true, jobId: EXECUTION, step: "LINES", status: "LINES_RUNNING", message: "Creating invoice lines", statusUrl: `/api/v1/billing-runs/${RUN}` };
const runSummary = { id: RUN, number: 42, label: "Run #42 · Monthly (1st) · 2026-11-30", type: "CYCLE", status: "DRAFTS_READY", mode: "REVIEW", invoiceDate: "2026-11-30", cutoffDate: "2026-12-01", disabled: false, createdAt: AT };
const jobStarted = { started: true, jobId: EXECUTION, kind: "PDF", message: "Generating 120 PDFs", statusUrl: `/api/v1/billing-runs/${RUN}/executions/${EXECUTION}` };
const page = (rows: unknown[]) => ({ rows, total: rows.length, page: 1, pageSize: 50 });
const rule = { kind: "AMOUNT_ABOVE", severity: "SUSPECT", threshold: "10000", currency: "EUR" };
const hold = { id: HOLD, accountId: ACCOUNT, accountName: "Acme GmbH", reason: "Disputed November usage", expiresAt: null, createdAt: AT, releasedAt: null };
const ok = { id: RUN, status: "CANCELED" };

const frenchRate = { country: "FR", rateType: "STANDARD", rate: "20.50", validFrom: "2027-01-01", shippedRate: "20.00" };
const taxSettings = { sellerCountry: "DE", ossRegistered: true, vatRegistrations: [{ country: "FR", vatId: "FR40303265045" }], rateOverrides: [frenchRate] };
const createRunRequest = { type: "CYCLE", billingCycleId: CYCLE, invoiceDate: "2026-11-30", cutoffDate: "2026-12-01", mode: "REVIEW", onReject: "HOLD" };
const simulationExample = simulationSchema.examples[0];
const scheduleRow = {
  billingCycleId: CYCLE,
  cycleName: "Monthly (1st)",
  schedule: { billingCycleId: CYCLE, dayOfMonth: 1, timeOfDay: "06:00", timeZone: "Europe/Berlin", cutoffOffsetDays: 0, invoiceDateOffsetDays: -1, mode: "REVIEW", enabled: true, startsPeriod: "2026-12", updatedAt: AT },
  nextRuns: [{ period: "2027-01", dueAt: "2027-01-01T05:00:00.000Z", runDate: "2027-01-01", cutoffDate: "2027-01-01", invoiceDate: "2026-12-31" }],
  lastRun: { id: RUN, number: 42, period: "2026-12", status: "POSTED" },
};

export const OPERATION_EXAMPLES: Record<string, Example> = {
  upsertAccounts: {
    request: { accounts: [{ externalId: "ACC-1001", name: "Acme GmbH", email: "billing@acme.example", addressLine: "Hauptstraße 1", city: "Berlin", postalCode: "10115", country: "DE", vatId: "DE811907980", currency: "EUR", language: "de" }] },
    response: upsertResult,
  },
  listExchangeRates: { response: { rates: [{ currency: "USD", rateDate: "2026-11-01", rate: "0.9214" }] } },
  setExchangeRate: { request: { currency: "USD", rateDate: "2026-11-01", rate: "0.9214" }, response: { currency: "USD", rateDate: "2026-11-01", rate: "0.9214" } },
  deleteExchangeRate: { response: { deleted: true } },
  getSellerIdentity: { response: { legalName: "Example Software GmbH", addressLine: "Hauptstraße 1", city: "Berlin", postalCode: "10115", country: "DE", vatId: "DE811907980", email: "billing@example.com", defaultCurrency: "EUR", complete: true } },
  saveSellerIdentity: {
    request: { legalName: "Example Software GmbH", addressLine: "Hauptstraße 1", city: "Berlin", postalCode: "10115", country: "DE", vatId: "DE811907980", email: "billing@example.com" },
    response: { legalName: "Example Software GmbH", addressLine: "Hauptstraße 1", city: "Berlin", postalCode: "10115", country: "DE", vatId: "DE811907980", email: "billing@example.com", defaultCurrency: "EUR", complete: true },
  },
  getEinvoiceProfile: { response: { contactName: "Accounts receivable", contactPhone: "+49 30 1234567", contactEmail: "ar@example.com", electronicAddressScheme: "9930", electronicAddress: "DE811907980", vatAccountingCurrency: null, defaultCurrency: "EUR" } },
  updateEinvoiceProfile: {
    request: { contactName: "Accounts receivable", contactPhone: "+49 30 1234567", contactEmail: "ar@example.com", electronicAddressScheme: "9930", electronicAddress: "DE811907980", vatAccountingCurrency: "" },
    response: { contactName: "Accounts receivable", contactPhone: "+49 30 1234567", contactEmail: "ar@example.com", electronicAddressScheme: "9930", electronicAddress: "DE811907980", vatAccountingCurrency: null, defaultCurrency: "EUR" },
  },
  getDocumentProfile: { response: documentProfile },
  saveDocumentProfile: { request: { tradeRegister: "Amtsgericht Berlin HRB 123456", managingDirectors: "Erika Mustermann", defaultLanguage: "de" }, response: documentProfile },
  uploadLogo: {
    request: { mimeType: "image/png", data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==" },
    response: { ...documentProfile, logo: { mimeType: "image/png", bytes: 68, dataUri: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==" } },
  },
  removeLogo: { response: documentProfile },
  upsertSubscriptions: { request: { subscriptions: [{ externalId: "SUB-2001", accountExternalId: "ACC-1001", name: "Pro plan", startDate: "2026-01-01" }] }, response: upsertResult },
  upsertCharges: { request: { charges: [{ code: "API-CALLS", label: "API calls", type: "USAGE", vatCategory: "S", vatRate: "19.00" }] }, response: upsertResult },
  ingestRatedItems: {
    request: { items: [{ externalId: "ITEM-2026-11-000001", accountExternalId: "ACC-1001", subscriptionExternalId: "SUB-2001", chargeCode: "API-CALLS", description: "API calls 1–30 November", quantity: "1200", unitPrice: "0.01", amount: "12.00", currency: "EUR", usageDate: "2026-11-30" }] },
    response: { received: 1, inserted: 1, duplicates: 0 },
  },
  listBillingRuns: { response: page([runSummary]) },
  createBillingRun: {
    request: { type: "CYCLE", billingCycleId: CYCLE, invoiceDate: "2026-11-30", cutoffDate: "2026-12-01", mode: "REVIEW", onReject: "HOLD" },
    response: { id: RUN, number: 42, label: "Run #42 · Monthly (1st) · 2026-11-30", statusUrl: `/api/v1/billing-runs/${RUN}` },
  },
  getBillingRun: { response: { ...runSummary, counters: { invoices: 120, suspect: 2, rejected: 0 }, totals: [{ currency: "EUR", net: "35120.00", tax: "6672.80", gross: "41792.80" }], actions: ["post", "cancel"] } },
  processBillingRun: { response: processResult },
  postBillingRun: { response: { ...processResult, step: "POSTING", status: "POSTING", message: "Posting 120 invoices" } },
  cancelBillingRun: { request: { items: "REOPEN" }, response: ok },
  enableBillingRun: { response: { id: RUN, disabled: false } },
  disableBillingRun: { response: { id: RUN, disabled: true } },
  listRunInvoices: { response: page([{ id: INVOICE, number: null, status: "DRAFT", accountId: ACCOUNT, accountName: "Acme GmbH", currency: "EUR", netTotal: "12.00", taxTotal: "2.28", grossTotal: "14.28" }]) },
  bulkInvoiceAction: {
    request: { action: "VALIDATE", target: { ids: [INVOICE] } },
    response: { results: [{ id: INVOICE, outcome: "DONE" }, { id: "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a", outcome: "SKIPPED", reason: "not an invoice of this run" }] },
  },
  getRunOptions: { response: { cycles: [{ id: CYCLE, name: "Monthly (1st)" }], defaults: { mode: "REVIEW", onReject: "HOLD", groupBySubscription: false } } },
  listRunFailures: { response: page([{ accountId: ACCOUNT, accountName: "Acme GmbH", subscriptionId: null, subscriptionName: null, step: "INVOICES", reason: "Account has no country", createdAt: AT }]) },
  retryRunFailures: { response: { id: "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e", number: 43, label: "Run #43 · Exceptional · 2026-11-30", statusUrl: "/api/v1/billing-runs/4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e" } },
  listRunExecutions: { response: { rows: [{ id: EXECUTION, kind: "LINES", status: "SUCCEEDED", startedAt: AT, endedAt: "2026-12-01T09:30:42.000Z", done: 120, total: 120, error: null, driver: "inline", logLines: 3 }] } },
  getRunExecution: { response: { id: EXECUTION, kind: "PDF", status: "RUNNING", startedAt: AT, endedAt: null, done: 40, total: 120, error: null, driver: "inline", logLines: 1 } },
  getRunExecutionLog: { response: page([{ at: AT, level: "info", message: "chunk 1 of 3 done (40 invoices)" }]) },
  getRunStatistics: { response: { totals: [{ currency: "EUR", net: "35120.00", tax: "6672.80", gross: "41792.80" }], invoicesByStatus: { DRAFT: 118, SUSPECT: 2 }, topAccounts: [{ accountId: ACCOUNT, name: "Acme GmbH", gross: "4210.50" }] } },
  startRunDocuments: { request: { kind: "PDF" }, response: jobStarted },
  startRunEmails: { response: { ...jobStarted, kind: "EMAIL", message: "E-mailing 120 invoices" } },
  saveRunDescription: { request: { description: "November 2026 usage" }, response: { id: RUN, description: "November 2026 usage" } },
  listOutbox: { response: page([{ id: "8e9f0a1b-2c3d-4e5f-8a6b-7c8d9e0f1a2b", to: ["billing@acme.example"], subject: "Invoice INV-2026-000042", status: "SENT", createdAt: AT }]) },
  getOutboxMessage: { response: { id: "8e9f0a1b-2c3d-4e5f-8a6b-7c8d9e0f1a2b", to: ["billing@acme.example"], subject: "Invoice INV-2026-000042", status: "SENT", html: "<p>Your invoice…</p>", text: "Your invoice…", createdAt: AT } },
  getInvoice: { response: { id: INVOICE, number: "INV-2026-000042", status: "POSTED", currency: "EUR", netTotal: "12.00", taxTotal: "2.28", grossTotal: "14.28", lines: [{ id: "1", description: "API calls", quantity: "1200", unitPrice: "0.01", amount: "12.00", vatRate: "19.00" }] } },
  createCreditNote: {
    request: { scope: "WHOLE", reason: "Duplicate invoice", post: true, rebill: false },
    response: { id: CREDIT_NOTE, number: "CN-2026-000012", status: "POSTED", netTotal: "12.00", taxTotal: "2.28", grossTotal: "14.28", correctsInvoiceId: INVOICE, rebilledItems: 0 },
  },
  postCreditNote: { response: { id: CREDIT_NOTE, number: "CN-2026-000012", status: "POSTED" } },
  discardCreditNote: { response: { id: CREDIT_NOTE, discarded: true } },
  saveInvoiceMemo: { request: { memo: "Includes the November price change" }, response: { id: INVOICE, memo: "Includes the November price change" } },
  getReviewRules: { response: { rules: [rule] } },
  saveReviewRules: { request: { rules: [rule] }, response: { rules: [rule] } },
  getApprovalPolicy: { response: { mode: "ABOVE", grossAbove: { EUR: "50000.00", USD: "60000.00" }, invoiceCountAbove: null } },
  saveApprovalPolicy: {
    request: { mode: "ABOVE", grossAbove: { EUR: "50000.00", USD: "60000.00" }, invoiceCountAbove: 500 },
    response: { mode: "ABOVE", grossAbove: { EUR: "50000.00", USD: "60000.00" }, invoiceCountAbove: 500 },
  },
  listRunApprovals: { response: { rows: [{ id: "1", decision: "REQUESTED", comment: null, at: AT }] } },
  approveBillingRun: { request: { comment: "Checked the two suspect invoices" }, response: { id: RUN, status: "APPROVED" } },
  sendBackBillingRun: { request: { comment: "Acme's usage looks doubled: check the import" }, response: { id: RUN, status: "DRAFTS_READY" } },
  holdTimedPost: { request: { comment: "Wait for the corrected usage file" }, response: { id: RUN, status: "AWAITING_APPROVAL" } },
  listAccountHolds: { response: { rows: [hold] } },
  placeAccountHold: { request: { accountId: ACCOUNT, reason: "Disputed November usage", expiresAt: null }, response: hold },
  releaseAccountHold: { response: { ...hold, releasedAt: AT } },
  listAuditLog: { response: { rows: [{ id: "1024", at: AT, actor: "API key ops-import", action: "billing_run.posted", target: RUN }], nextBeforeId: "1023" } },
  getOpenApi: { response: { openapi: "3.1.0", info: { title: "Billrun API", version: "1.0.0" } } },
  webhookCreateBillingRun: {
    request: { type: "CYCLE", billingCycleId: CYCLE, invoiceDate: "2026-11-30", cutoffDate: "2026-12-01", processNow: true },
    response: { runId: RUN, number: "42", status: "NEW", statusUrl: `/api/v1/billing-runs/${RUN}`, replayed: false, processing: { started: true, message: "Creating invoice lines" } },
  },
  searchAccounts: { response: { rows: [{ id: ACCOUNT, name: "Acme GmbH", externalId: "ACC-1001", onHold: false }] } },
  getTaxSettings: { response: taxSettings },
  saveTaxSettings: { request: { ossRegistered: true, vatRegistrations: [{ country: "FR", vatId: "FR40303265045" }] }, response: taxSettings },
  setVatRate: { request: { country: "FR", rateType: "STANDARD", validFrom: "2027-01-01", rate: "20.50" }, response: frenchRate },
  deleteVatRate: { response: { deleted: true } },
  simulateBillingRun: { response: simulationExample },
  simulateNewBillingRun: { request: createRunRequest, response: simulationExample },
  simulateNewBillingRunCsv: { request: createRunRequest },
  saveRunMemo: { request: { memo: "Prices change on 1 January 2027." }, response: { id: RUN, memo: "Prices change on 1 January 2027." } },
  listBillingSchedules: { response: { rows: [scheduleRow] } },
  saveBillingSchedule: {
    request: { billingCycleId: CYCLE, dayOfMonth: 1, timeOfDay: "06:00", timeZone: "Europe/Berlin", cutoffOffsetDays: 0, invoiceDateOffsetDays: -1, mode: "REVIEW", enabled: true },
    response: scheduleRow,
  },
  deleteBillingSchedule: { response: { billingCycleId: CYCLE, deleted: true } },
};

/** The document with each operation's examples put into its JSON request body and success answer. */
export function withExamples<T extends Record<string, unknown>>(document: T): T {
  const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      const example = OPERATION_EXAMPLES[operation.operationId as string];
      if (!example) continue;
      const body = (operation.requestBody as { content?: Record<string, Record<string, unknown>> } | undefined)?.content?.["application/json"];
      if (body && example.request !== undefined) body.example = example.request;
      const responses = operation.responses as Record<string, { content?: Record<string, Record<string, unknown>> }>;
      const success = Object.keys(responses).find((code) => code.startsWith("2"));
      const answer = success ? responses[success].content?.["application/json"] : undefined;
      if (answer && example.response !== undefined) answer.example = example.response;
    }
  }
  return document;
}
