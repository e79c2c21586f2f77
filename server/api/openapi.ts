import { z } from "zod";
import { bulkActionInput, cancelRunInput, createRunInput, listInvoicesInput, saveDescriptionInput, saveInvoiceMemoInput } from "@/lib/billing-inputs";
import { executionLogInput, runFailuresInput } from "@/server/billing/run-activity";
import { runDocumentsInput } from "@/server/documents/run-documents";
import { listOutboxInput } from "@/server/notifications/outbox";
import { documentProfileInput, LOGO_MAX_BYTES, logoInput } from "@/server/tenants/document-profile";
import { einvoiceProfileInput, exchangeRateInput, exchangeRateKeyInput } from "@/server/tenants/einvoice-settings";
import { DOCUMENT_LANGUAGES } from "@/server/documents/i18n/languages";
import { taxSettingsInput, VAT_RATE_TYPES, vatRateInput, vatRateKeyInput } from "@/lib/tax-settings-inputs";
import { createCreditNoteInput } from "@/lib/credit-note-inputs";
import { approvalPolicyInput, approveRunInput, listAuditInput, listHoldsInput, placeHoldInput, saveRulesInput, scheduleInput, searchAccountsInput, sendBackInput } from "@/lib/review-inputs";
import { sellerIdentityInput } from "@/lib/seller-identity-inputs";
import { listRunsInput } from "@/server/billing/run-list";
import { webhookRunInput } from "@/server/webhooks/incoming";
import { WEBHOOK_EVENT_TYPES } from "@/server/webhooks/outgoing";
import { withExamples } from "./openapi-examples";
import { simulationCsvResponse, simulationSchema } from "./simulation-openapi";
import { AMOUNT_TOLERANCE, ingestRatedItemsInput, upsertAccountsInput, upsertChargesInput, upsertSubscriptionsInput } from "./ingest/schemas";

// The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the endpoints validate with.
// OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what z.toJSONSchema emits.

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  return rest;
}

function withoutProperty(schema: JsonSchema, property: string): JsonSchema {
  const properties = { ...(schema.properties as Record<string, unknown>) };
  delete properties[property];
  return { ...schema, properties, required: ((schema.required as string[]) ?? []).filter((p) => p !== property) };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const json = (schema: unknown) => ({ "application/json": { schema } });

/** Query parameters from the properties of an object schema (arrays: comma-separated or repeated). */
function queryParameters(schema: JsonSchema, omit: string[] = []) {
  const properties = schema.properties as Record<string, JsonSchema>;
  return Object.entries(properties)
    .filter(([name]) => !omit.includes(name))
    .map(([name, property]) => ({
      name,
      in: "query",
      required: false,
      schema: property,
      ...(property.type === "array" ? { style: "form", explode: true, description: "repeat the parameter or separate values with commas" } : {}),
    }));
}

const errorResponses = (...codes: (400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429)[]) =>
  Object.fromEntries(codes.map((code) => [String(code), problemRef(`Problem${code}`)]));

const common = [401, 403, 429] as const;
const idParameter = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const executionIdParameter = { name: "executionId", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const pageOf = (row: unknown) => ({
  type: "object",
  required: ["rows", "total", "page", "pageSize"],
  properties: { rows: { type: "array", items: row }, total: { type: "integer", minimum: 0 }, page: { type: "integer", minimum: 1 }, pageSize: { type: "integer", minimum: 1 } },
});
const idempotencyKey = { $ref: "#/components/parameters/IdempotencyKey" };

function postOperation(o: {
  operationId: string;
  summary: string;
  tag: string;
  body?: unknown;
  status: number;
  response: unknown;
  path?: boolean;
  errors: (400 | 404 | 409 | 412)[];
}): Operation {
  return {
    operationId: o.operationId,
    summary: o.summary,
    tags: [o.tag],
    parameters: [...(o.path ? [idParameter] : []), idempotencyKey],
    ...(o.body ? { requestBody: { required: true, content: json(o.body) } } : {}),
    responses: {
      [String(o.status)]: { description: "Success", content: json(o.response) },
      ...errorResponses(...common, ...o.errors, 413, 415, 422),
    },
  };
}

function getOperation(o: { operationId: string; summary: string; tag: string; parameters?: unknown[]; response: unknown; errors?: (400 | 404)[] }) {
  return {
    operationId: o.operationId,
    summary: o.summary,
    tags: [o.tag],
    parameters: o.parameters ?? [],
    responses: { "200": { description: "Success", content: json(o.response) }, ...errorResponses(...common, ...(o.errors ?? [400, 404])) },
  };
}

let cached: Record<string, unknown> | null = null;

export function buildOpenApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const listRuns = schemaOf(listRunsInput);
  const listInvoices = schemaOf(listInvoicesInput);
  const fileResponse = (type: string, ...errors: 412[]) => ({
    "200": { description: "The file (stored for posted invoices; drafts are rendered with a DRAFT watermark)", content: { [type]: { schema: { type: "string", contentMediaType: type } } } },
    ...errorResponses(...common, 400, 404, ...errors),
  });
  const looseObject = { type: "object", additionalProperties: true };
  const scheduleOutput = schemaOf(scheduleInput, "output");
  const exchangeRateKey = (schemaOf(exchangeRateKeyInput).properties ?? {}) as Record<string, JsonSchema>;
  const exchangeRateKeyParameters = (["currency", "rateDate"] as const).map((name) => ({
    name,
    in: "path",
    required: true,
    schema: exchangeRateKey[name],
    description: name === "currency" ? "the invoice currency of the rate" : "the date the rate is valid from (YYYY-MM-DD)",
  }));

  const vatRateKey = (schemaOf(vatRateKeyInput).properties ?? {}) as Record<string, JsonSchema>;
  const vatRateKeyParameters = (["country", "rateType", "validFrom"] as const).map((name) => ({
    name,
    in: "path",
    required: true,
    schema: vatRateKey[name],
    description: { country: "the country of the rate, e.g. FR", rateType: "STANDARD or REDUCED", validFrom: "the date the rate is valid from (YYYY-MM-DD)" }[name],
  }));
  const vatRateOverride = {
    type: "object",
    required: ["country", "rateType", "rate", "validFrom", "shippedRate"],
    properties: {
      country: { type: "string", description: "ISO 3166-1 alpha-2 country of the rate" },
      rateType: { type: "string", enum: [...VAT_RATE_TYPES], description: "STANDARD or REDUCED" },
      rate: { type: "string", description: "the tenant's rate in percent (decimal string)" },
      validFrom: { type: "string", format: "date", description: "valid from this date until the tenant's or the shipped next rate" },
      shippedRate: { type: ["string", "null"], description: "the shipped EU rate of that country and type on that date, for comparison" },
    },
    examples: [{ country: "FR", rateType: "STANDARD", rate: "20.00", validFrom: "2027-01-01", shippedRate: "20.00" }],
  };

  const document = {
    openapi: "3.1.0",
    info: {
      title: "Billrun API",
      version: "1.0.0",
      license: { name: "Proprietary", url: "https://billrun.dev/terms" },
      description:
        "Batch invoicing: load accounts, subscriptions, charges and rated items, then create, process and post billing runs.\n\n" +
        "Authenticate with `Authorization: Bearer <API key>` (keys are created in Settings; a key belongs to one tenant and has a role). " +
        "Every error is an RFC 9457 problem document (`application/problem+json`) with `code` and field `errors`. " +
        "Every POST honours `Idempotency-Key`: the same key with the same method, path and body bytes replays the stored answer " +
        "(header `Idempotent-Replayed: true`); the same key with another request is refused with 422.\n\n" +
        "Bodies may be sent with `Content-Encoding: gzip`; the 16 MiB limit applies to the decompressed body and is enforced while it streams.\n\n" +
        "Rate limits, per API key, shared by all app servers: by default 50 requests/s with a burst of 100, and for `POST /api/v1/rated-items` " +
        "additionally 100,000 items/s with a burst of 200,000 (a batch counts as its number of items). Per tenant, over all its API keys: " +
        "by default 200 requests/s with a burst of 400 and 200,000 items/s with a burst of 400,000. Every answer carries the IETF draft " +
        "`RateLimit-Policy` and `RateLimit` headers, one member per policy (`requests` and `items` per key, `tenant-requests` and " +
        "`tenant-items` per tenant); beyond a limit the answer is 429 with `Retry-After`, and its `detail` and the last `RateLimit` member " +
        "name the policy that was reached. A batch larger than an item burst is 413.",
    },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: "Ingest", description: "Load customer accounts, subscriptions, charges and rated items (batch upserts, idempotent by external id)" },
      { name: "Billing runs", description: "Create, process, post and cancel billing runs; their failures, executions, statistics and documents" },
      { name: "Invoices", description: "A run's invoices, bulk review actions, and each invoice's data, PDF and XML" },
      { name: "E-mail outbox", description: "The e-mails the tenant sent (or kept without a provider), with their status" },
      { name: "Review", description: "Validation rules and their findings, approval before posting, account holds and the audit log" },
      { name: "Webhooks", description: "Signed incoming webhooks that start runs, and this document" },
      { name: "Seller profile", description: "The seller's e-invoice data (contact, registered electronic address, VAT accounting currency) and what its documents show (footer, language, logo)" },
    ],
    paths: {
      "/api/v1/accounts": {
        get: getOperation({
          operationId: "searchAccounts",
          summary: "Find accounts by part of their name or external id (with whether each is on hold)",
          tag: "Review",
          parameters: queryParameters(schemaOf(searchAccountsInput)),
          response: {
            type: "object",
            required: ["rows"],
            properties: {
              rows: {
                type: "array",
                description: "matching accounts by name",
                items: {
                  type: "object",
                  required: ["id", "name", "externalId", "onHold"],
                  properties: {
                    id: { type: "string", format: "uuid", description: "the account" },
                    name: { type: "string", description: "its name" },
                    externalId: { type: "string", description: "its id in the caller's system" },
                    onHold: { type: "boolean", description: "it has an active hold (runs skip it)" },
                  },
                },
              },
            },
            examples: [{ rows: [{ id: "5d1c9a8e-2b7f-4e3a-9c61-0f2e8d7b6a54", name: "Acme GmbH", externalId: "ACC-1001", onHold: false }] }],
          },
          errors: [400],
        }),
        post: postOperation({
          operationId: "upsertAccounts",
          summary: "Create or replace customer accounts by external id (batches of up to 10,000)",
          tag: "Ingest",
          body: ref("UpsertAccountsInput"),
          status: 200,
          response: ref("UpsertResult"),
          errors: [400],
        }),
      },
      "/api/v1/exchange-rates": {
        get: getOperation({
          operationId: "listExchangeRates",
          summary: "The tenant's exchange rates to its VAT accounting currency (for BT-111)",
          tag: "Ingest",
          response: { type: "object", properties: { rates: { type: "array", items: ref("ExchangeRate") } } },
          errors: [],
        }),
        post: postOperation({
          operationId: "setExchangeRate",
          summary: "Set the rate of a currency from a date (an invoice uses the latest rate on or before its invoice date); admin keys only",
          tag: "Ingest",
          body: ref("ExchangeRate"),
          status: 200,
          response: ref("ExchangeRate"),
          errors: [400],
        }),
      },
      "/api/v1/exchange-rates/{currency}/{rateDate}/delete": {
        post: {
          ...postOperation({
            operationId: "deleteExchangeRate",
            summary: "Delete the rate of a currency from a date (invoices then use the latest earlier rate); admin keys only",
            tag: "Ingest",
            status: 200,
            response: { type: "object", required: ["deleted"], properties: { deleted: { type: "boolean", const: true } } },
            errors: [400, 404],
          }),
          parameters: [...exchangeRateKeyParameters, idempotencyKey],
        },
      },
      "/api/v1/seller-profile": {
        get: getOperation({ operationId: "getSellerIdentity", summary: "The seller's identity every invoice states: legal name, address, VAT id (and whether it is complete)", tag: "Seller profile", response: ref("SellerIdentity"), errors: [] }),
        post: {
          ...postOperation({
            operationId: "saveSellerIdentity",
            summary: "Set the seller's legal name, address and VAT id; admin keys only",
            tag: "Seller profile",
            body: ref("SellerIdentityInput"),
            status: 200,
            response: ref("SellerIdentity"),
            errors: [400, 404],
          }),
          description:
            "A new organization (open sign-up) has no seller profile and cannot create billing runs (412) until this is saved — by its admin on " +
            "the dashboard's onboarding page or here. The first save also gives it a monthly billing cycle and the default validation rules.",
        },
      },
      "/api/v1/seller-profile/einvoice": {
        get: getOperation({ operationId: "getEinvoiceProfile", summary: "The seller's e-invoice data: contact (BT-41/42/43), registered electronic address (BT-34) and VAT accounting currency (BT-6)", tag: "Seller profile", response: ref("EinvoiceProfile"), errors: [404] }),
        post: postOperation({
          operationId: "updateEinvoiceProfile",
          summary: "Replace the seller's e-invoice data (every field; empty or null clears it); admin keys only",
          tag: "Seller profile",
          body: ref("EinvoiceProfileInput"),
          status: 200,
          response: ref("EinvoiceProfile"),
          errors: [400, 404],
        }),
      },
      "/api/v1/seller-profile/document": {
        get: getOperation({ operationId: "getDocumentProfile", summary: "What the seller's documents show: trade register, managing directors, default language and logo", tag: "Seller profile", response: ref("DocumentProfile"), errors: [404] }),
        post: postOperation({
          operationId: "saveDocumentProfile",
          summary: "Replace the documents' footer (trade register, managing directors) and default language; admin keys only",
          tag: "Seller profile",
          body: ref("DocumentProfileInput"),
          status: 200,
          response: ref("DocumentProfile"),
          errors: [400, 404],
        }),
      },
      "/api/v1/seller-profile/logo": {
        post: {
          ...postOperation({
            operationId: "uploadLogo",
            summary: `Set the logo of the PDF letterhead (PNG or JPEG, at most ${LOGO_MAX_BYTES / 1024} KiB, base64); admin keys only`,
            tag: "Seller profile",
            body: ref("LogoInput"),
            status: 200,
            response: ref("DocumentProfile"),
            errors: [400, 404],
          }),
          description:
            `The decoded bytes are checked: empty or larger than ${LOGO_MAX_BYTES / 1024} KiB is refused, and so is a file whose signature is not ` +
            "PNG or JPEG or does not match `mimeType` (400, field `data`).",
        },
      },
      "/api/v1/seller-profile/logo/remove": {
        post: postOperation({ operationId: "removeLogo", summary: "Remove the logo (documents then show none); admin keys only", tag: "Seller profile", status: 200, response: ref("DocumentProfile"), errors: [404] }),
      },
      "/api/v1/tax-settings": {
        get: getOperation({
          operationId: "getTaxSettings",
          summary: "The tenant's VAT settings: One-Stop-Shop, its VAT registrations in other member states and its own VAT rates",
          tag: "Seller profile",
          response: ref("TaxSettings"),
          errors: [404],
        }),
        post: {
          ...postOperation({
            operationId: "saveTaxSettings",
            summary: "Replace the One-Stop-Shop flag and the VAT registrations (the next processed run uses them); admin keys only",
            tag: "Seller profile",
            body: ref("TaxSettingsInput"),
            status: 200,
            response: ref("TaxSettings"),
            errors: [400, 404],
          }),
          description:
            "Each registration must be an EU member state other than the seller's own, with a VAT id in that state's format " +
            "(400 naming the field, e.g. `vatRegistrations.0.vatId`). The change is written to the audit log.",
        },
      },
      "/api/v1/vat-rates": {
        post: postOperation({
          operationId: "setVatRate",
          summary: "Set the tenant's own VAT rate of a country and type from a date; it wins over the shipped EU rate (admin keys only)",
          tag: "Seller profile",
          body: ref("VatRateInput"),
          status: 200,
          response: ref("VatRateOverride"),
          errors: [400],
        }),
      },
      "/api/v1/vat-rates/{country}/{rateType}/{validFrom}/delete": {
        post: {
          ...postOperation({
            operationId: "deleteVatRate",
            summary: "Delete one of the tenant's own VAT rates (its previous own rate or the shipped rate applies again); admin keys only",
            tag: "Seller profile",
            status: 200,
            response: { type: "object", required: ["deleted"], properties: { deleted: { type: "boolean", const: true, description: "the rate was deleted" } } },
            errors: [400, 404],
          }),
          parameters: [...vatRateKeyParameters, idempotencyKey],
        },
      },
      "/api/v1/subscriptions": {
        post: postOperation({
          operationId: "upsertSubscriptions",
          summary: "Create or replace subscriptions by external id",
          tag: "Ingest",
          body: ref("UpsertSubscriptionsInput"),
          status: 200,
          response: ref("UpsertResult"),
          errors: [400],
        }),
      },
      "/api/v1/charges": {
        post: postOperation({
          operationId: "upsertCharges",
          summary: "Create or replace charges by code",
          tag: "Ingest",
          body: ref("UpsertChargesInput"),
          status: 200,
          response: ref("UpsertResult"),
          errors: [400],
        }),
      },
      "/api/v1/rated-items": {
        post: ingestOperation(
          postOperation({
            operationId: "ingestRatedItems",
            summary: "Ingest rated items (batches of up to 10,000; idempotent by external id; one invalid row rejects the batch)",
            tag: "Ingest",
            body: ref("IngestRatedItemsInput"),
            status: 200,
            response: ref("IngestResult"),
            errors: [400, 409],
          }),
        ),
      },
      "/api/v1/billing-runs": {
        get: getOperation({
          operationId: "listBillingRuns",
          summary: "List billing runs",
          tag: "Billing runs",
          parameters: queryParameters(listRuns),
          response: { type: "object", properties: { rows: { type: "array", items: looseObject }, total: { type: "integer" }, page: { type: "integer" }, pageSize: { type: "integer" } } },
          errors: [400],
        }),
        post: postOperation({
          operationId: "createBillingRun",
          summary: "Create a billing run (status NEW)",
          tag: "Billing runs",
          body: ref("CreateRunInput"),
          status: 201,
          response: ref("RunCreated"),
          errors: [400, 404],
        }),
      },
      "/api/v1/billing-runs/{id}": {
        get: getOperation({ operationId: "getBillingRun", summary: "Get a billing run with counters, totals and available actions", tag: "Billing runs", parameters: [idParameter], response: looseObject }),
      },
      "/api/v1/billing-runs/{id}/process": {
        post: postOperation({ operationId: "processBillingRun", summary: "Move the run to its next step (per its mode)", tag: "Billing runs", path: true, status: 202, response: ref("ProcessResult"), errors: [400, 404, 409, 412] }),
      },
      "/api/v1/billing-runs/{id}/post": {
        post: {
          ...postOperation({ operationId: "postBillingRun", summary: "Post a run whose drafts are ready (no-op when already posted)", tag: "Billing runs", path: true, status: 202, response: ref("ProcessResult"), errors: [400, 404, 409, 412] }),
          description:
            "Posts a run in DRAFTS_READY, retries a failed posting, and resumes a posting abandoned by a crashed process (a POSTING run whose job " +
            "has no heartbeat) exactly as `/process` does: invoice numbers already given are kept, nothing is posted twice. A POSTING run whose job " +
            "is alive answers 409.",
        },
      },
      "/api/v1/billing-runs/{id}/cancel": {
        post: postOperation({ operationId: "cancelBillingRun", summary: "Cancel a run, reopening or canceling its rated items", tag: "Billing runs", path: true, body: ref("CancelRunBody"), status: 202, response: looseObject, errors: [400, 404, 409, 412] }),
      },
      "/api/v1/billing-runs/{id}/enable": {
        post: postOperation({ operationId: "enableBillingRun", summary: "Enable a disabled run", tag: "Billing runs", path: true, status: 200, response: looseObject, errors: [400, 404, 409] }),
      },
      "/api/v1/billing-runs/{id}/disable": {
        post: postOperation({ operationId: "disableBillingRun", summary: "Disable a run (every job skips it)", tag: "Billing runs", path: true, status: 200, response: looseObject, errors: [400, 404, 409] }),
      },
      "/api/v1/billing-runs/{id}/invoices": {
        get: getOperation({
          operationId: "listRunInvoices",
          summary: "List the run's invoices with filters, sorting and pagination",
          tag: "Invoices",
          parameters: [idParameter, ...queryParameters(listInvoices, ["runId"])],
          response: { type: "object", properties: { rows: { type: "array", items: looseObject }, total: { type: "integer" }, page: { type: "integer" }, pageSize: { type: "integer" } } },
        }),
      },
      "/api/v1/billing-runs/{id}/invoices/bulk-actions": {
        post: {
          ...postOperation({ operationId: "bulkInvoiceAction", summary: "Validate, reject, quarantine or cancel invoices (a selection or a filter)", tag: "Invoices", path: true, body: ref("BulkActionBody"), status: 200, response: looseObject, errors: [400, 404, 409] }),
          description:
            "Answers 200 with one result per invoice: `DONE`, or `SKIPPED` with the reason. An id that is not an invoice of this run — " +
            "including another tenant's invoice id — is answered per invoice as `SKIPPED` with the reason \"not an invoice of this run\" " +
            "(nothing about it is revealed or changed); the request as a whole is not refused.",
        },
      },
      "/api/v1/billing-runs/options": {
        get: getOperation({ operationId: "getRunOptions", summary: "The new-run form's choices: active billing cycles and default settings", tag: "Billing runs", response: looseObject, errors: [] }),
      },
      "/api/v1/billing-runs/{id}/failures": {
        get: getOperation({
          operationId: "listRunFailures",
          summary: "The run's failed accounts and subscriptions (per-account failures never fail the run), paged",
          tag: "Billing runs",
          parameters: [idParameter, ...queryParameters(schemaOf(runFailuresInput), ["id"])],
          response: pageOf(ref("RunFailure")),
        }),
      },
      "/api/v1/billing-runs/{id}/retry-failed": {
        post: postOperation({ operationId: "retryRunFailures", summary: "Retry failed: a new exceptional run for exactly the failed accounts, with the run's settings (Location: the new run)", tag: "Billing runs", path: true, status: 201, response: ref("RunCreated"), errors: [400, 404, 409] }),
      },
      "/api/v1/billing-runs/{id}/executions": {
        get: getOperation({
          operationId: "listRunExecutions",
          summary: "The run's executions, newest first: run steps (LINES, INVOICES, POSTING, CANCEL) and document jobs (PDF, XML, EMAIL), without their logs",
          tag: "Billing runs",
          parameters: [idParameter],
          response: { type: "object", required: ["rows"], properties: { rows: { type: "array", items: ref("Execution") } } },
        }),
      },
      "/api/v1/billing-runs/{id}/executions/{executionId}": {
        get: getOperation({ operationId: "getRunExecution", summary: "One execution's status and progress (done of total): poll it after starting a document job", tag: "Billing runs", parameters: [idParameter, executionIdParameter], response: ref("Execution") }),
      },
      "/api/v1/billing-runs/{id}/executions/{executionId}/log": {
        get: getOperation({
          operationId: "getRunExecutionLog",
          summary: "An execution's log lines in the order written, paged",
          tag: "Billing runs",
          parameters: [idParameter, executionIdParameter, ...queryParameters(schemaOf(executionLogInput), ["id", "executionId"])],
          response: pageOf({ type: "object", properties: { at: { type: "string", format: "date-time" }, level: { type: "string", enum: ["info", "warn", "error"] }, message: { type: "string" } } }),
        }),
      },
      "/api/v1/billing-runs/{id}/statistics": {
        get: getOperation({ operationId: "getRunStatistics", summary: "The run's statistics: totals per currency, invoice counts by status, top accounts, subscriptions and charges", tag: "Billing runs", parameters: [idParameter], response: looseObject }),
      },
      "/api/v1/billing-runs/{id}/simulation": {
        post: postOperation({ operationId: "simulateBillingRun", summary: "Simulate the NEW run: what Process would produce (statistics, per-account totals, change against the previous posted invoices, findings), without claiming an item or writing a line or invoice", tag: "Billing runs", path: true, status: 200, response: simulationSchema, errors: [400, 404, 409] }),
      },
      "/api/v1/billing-runs/{id}/simulation.csv": {
        get: { operationId: "getBillingRunSimulationCsv", summary: "The NEW run's simulation, one CSV row per account", tags: ["Billing runs"], parameters: [idParameter], responses: { "200": simulationCsvResponse, ...errorResponses(...common, 400, 404, 409) } },
      },
      "/api/v1/billing-runs/simulation": {
        post: postOperation({ operationId: "simulateNewBillingRun", summary: "Simulate a run that does not exist yet (the body of Create a billing run): what Process would produce, without writing", tag: "Billing runs", body: ref("CreateRunInput"), status: 200, response: simulationSchema, errors: [400, 404] }),
      },
      "/api/v1/billing-runs/simulation.csv": {
        post: { ...postOperation({ operationId: "simulateNewBillingRunCsv", summary: "Simulate a run that does not exist yet, one CSV row per account", tag: "Billing runs", body: ref("CreateRunInput"), status: 200, response: {}, errors: [400, 404] }), responses: { "200": simulationCsvResponse, ...errorResponses(...common, 400, 404, 413, 415, 422) } },
      },
      "/api/v1/billing-runs/{id}/documents": {
        post: postOperation({ operationId: "startRunDocuments", summary: "Generate and store the PDF or XML of every posted invoice still without one: a background job (Location: its execution)", tag: "Billing runs", path: true, body: ref("RunDocumentsBody"), status: 202, response: ref("JobStarted"), errors: [400, 404, 409] }),
      },
      "/api/v1/billing-runs/{id}/documents.zip": {
        get: {
          operationId: "getRunDocumentsZip",
          summary: "The run's stored documents as one streamed ZIP (pdf/… and xml/… entries)",
          description: "412 when no documents (of that kind) were generated yet: start a document job first.",
          tags: ["Billing runs"],
          parameters: [idParameter, { name: "kind", in: "query", required: false, schema: { type: "string", enum: ["PDF", "XML"] }, description: "only this kind" }],
          responses: {
            "200": { description: "The ZIP archive", content: { "application/zip": { schema: { type: "string", contentMediaType: "application/zip" } } } },
            ...errorResponses(...common, 400, 404, 412),
          },
        },
      },
      "/api/v1/billing-runs/{id}/emails": {
        post: postOperation({ operationId: "startRunEmails", summary: "E-mail the posted run's invoices not sent yet: a background job (Location: its execution)", tag: "Billing runs", path: true, status: 202, response: ref("JobStarted"), errors: [400, 404, 409] }),
      },
      "/api/v1/billing-runs/{id}/description": {
        post: postOperation({ operationId: "saveRunDescription", summary: "Replace the run's description", tag: "Billing runs", path: true, body: ref("RunDescriptionBody"), status: 200, response: looseObject, errors: [400, 404, 409] }),
      },
      "/api/v1/outbox": {
        get: getOperation({ operationId: "listOutbox", summary: "The tenant's e-mails, newest first: sent, failed (with the provider's error) or kept in the outbox", tag: "E-mail outbox", parameters: queryParameters(schemaOf(listOutboxInput)), response: pageOf(looseObject), errors: [400] }),
      },
      "/api/v1/outbox/{id}": {
        get: getOperation({ operationId: "getOutboxMessage", summary: "One e-mail with its HTML and text", tag: "E-mail outbox", parameters: [idParameter], response: looseObject }),
      },
      "/api/v1/invoices/{id}": {
        get: getOperation({ operationId: "getInvoice", summary: "Get an invoice with lines, VAT breakdown and status history", tag: "Invoices", parameters: [idParameter], response: looseObject }),
      },
      "/api/v1/invoices/{id}/credit-notes": {
        post: {
          ...postOperation({ operationId: "createCreditNote", summary: "Correct a posted invoice by a credit note (whole, chosen lines or partial amounts)", tag: "Invoices", path: true, body: ref("CreateCreditNoteBody"), status: 201, response: ref("CreditNoteResult"), errors: [400, 404, 409] }),
          description:
            "Posted at once (numbered from the credit-note sequence) unless `post: false` keeps it a draft, which reserves its amounts until posted or discarded. " +
            "Never credits more than remains uncredited on the invoice: 409 with the lines that would go over (`errors[].field` = `lines.<index>.amount`). " +
            "409 too for an invoice that is not posted or is itself a credit note; 404 for another tenant's. `rebill: true` releases, when posted, the rated items behind what is credited so the next run bills them again: " +
            "the whole invoice's (nothing credited before), or the chosen lines' (each credited in full: a line with an `amount` below it, or already partly credited, is refused with 400 naming `lines.<index>.amount` / `lines.<index>.lineId`). Emits `credit_note.posted`. Send an Idempotency-Key: a retry then answers the stored credit note.",
        },
      },
      "/api/v1/credit-notes/{id}/post": {
        post: postOperation({ operationId: "postCreditNote", summary: "Post (number) a draft correction credit note; no-op when already posted", tag: "Invoices", path: true, status: 200, response: looseObject, errors: [400, 404, 409] }),
      },
      "/api/v1/credit-notes/{id}/discard": {
        post: postOperation({ operationId: "discardCreditNote", summary: "Discard a draft correction credit note, freeing the amounts it reserved", tag: "Invoices", path: true, status: 200, response: looseObject, errors: [400, 404, 409] }),
      },
      "/api/v1/billing-runs/{id}/memo": {
        post: postOperation({
          operationId: "saveRunMemo",
          summary: "Set or clear the run's memo (printed on every invoice and credit note of the run, before an invoice's own); only before posting or an approval request",
          tag: "Billing runs",
          path: true,
          body: ref("InvoiceMemoBody"),
          status: 200,
          response: {
            type: "object",
            required: ["id", "memo"],
            properties: { id: { type: "string", format: "uuid", description: "the run" }, memo: { type: ["string", "null"], description: "the saved memo; null: none" } },
            examples: [{ id: "0b7c3c64-2f6f-4f43-9d7e-2d7d3c1f6a10", memo: "Thank you for your business. Our bank details change on 1 January." }],
          },
          errors: [400, 404, 409],
        }),
      },
      "/api/v1/invoices/{id}/memo": {
        post: postOperation({
          operationId: "saveInvoiceMemo",
          summary: "Set or clear the invoice's memo (printed on its PDF after the run's memo); only before the invoice is posted",
          tag: "Invoices",
          path: true,
          body: ref("InvoiceMemoBody"),
          status: 200,
          response: { type: "object", required: ["id", "memo"], properties: { id: { type: "string", format: "uuid" }, memo: { type: ["string", "null"] } } },
          errors: [400, 404, 409],
        }),
      },
      "/api/v1/invoices/{id}/pdf": {
        get: { operationId: "getInvoicePdf", summary: "Download the invoice PDF", description: "Any invoice or credit note, a correction credit note (issued from a posted invoice, outside any run) included. A posted document's stored PDF is served (never regenerated); a draft's is rendered with a DRAFT watermark. For Factur-X accounts the PDF carries its CII XML.", tags: ["Invoices"], parameters: [idParameter], responses: fileResponse("application/pdf") },
      },
      "/api/v1/invoices/{id}/xml": {
        get: { operationId: "getInvoiceXml", summary: "Download the e-invoice XML in the account's flavour (Peppol BIS 3.0 or XRechnung UBL 2.1, CII for Factur-X)", description: "Posted documents only (412 for a draft), correction credit notes included (BT-25/26 reference the corrected invoice); the stored XML is served, so a rate or setting changed after posting never changes it. 412 too for an invoice in a currency with more than 2 decimals (e.g. KWD): EN 16931 amounts have at most 2.", tags: ["Invoices"], parameters: [idParameter], responses: fileResponse("application/xml", 412) },
      },
      // Review by exception (#19): rules, approval, holds, audit log
      "/api/v1/review-rules": {
        get: getOperation({ operationId: "getReviewRules", summary: "The tenant's validation rules (each kind with its severity or OFF, threshold, currency)", tag: "Review", response: looseObject }),
        post: postOperation({ operationId: "saveReviewRules", summary: "Replace the tenant's validation rules (admin)", tag: "Review", body: ref("SaveRulesInput"), status: 200, response: looseObject, errors: [400] }),
      },
      "/api/v1/approval-policy": {
        get: getOperation({ operationId: "getApprovalPolicy", summary: "The tenant's approval policy before posting (OFF / ALWAYS / ABOVE)", tag: "Review", response: ref("ApprovalPolicy") }),
        post: {
          ...postOperation({ operationId: "saveApprovalPolicy", summary: "Set the approval policy (admin)", tag: "Review", body: ref("ApprovalPolicy"), status: 200, response: ref("ApprovalPolicy"), errors: [400] }),
          description:
            'ABOVE: a run waits for approval when it has more invoices to post than invoiceCountAbove, or when its gross total in any currency is above that currency\'s threshold in grossAbove (e.g. {"EUR": "50000.00", "USD": "60000.00"}; a currency without a threshold never triggers by amount). A threshold is a positive decimal string with at most the currency\'s decimals (JPY none, EUR 2, KWD 3); a bad one is named by its path, e.g. grossAbove.USD. Since migration 0025 a single number for every currency (grossAbove: "50000") is refused: the previous value was carried over to the tenant\'s default currency.',
        },
      },
      "/api/v1/billing-runs/{id}/approvals": {
        get: getOperation({ operationId: "listRunApprovals", summary: "The run's approval requests and decisions", tag: "Review", parameters: [idParameter], response: looseObject }),
      },
      "/api/v1/billing-runs/{id}/approve": {
        post: {
          ...postOperation({ operationId: "approveBillingRun", summary: "Approve a run awaiting approval — always 403 for API keys", tag: "Review", path: true, body: ref("ApproveBody"), status: 202, response: looseObject, errors: [400, 404, 409] }),
          description: "Approval is a signed-in approver's decision (four eyes, in the dashboard): API keys are refused with 403. Listed so clients see why.",
        },
      },
      "/api/v1/billing-runs/{id}/send-back": {
        post: postOperation({ operationId: "sendBackBillingRun", summary: "Send a run awaiting approval back to review (comment required)", tag: "Review", path: true, body: ref("SendBackBody"), status: 200, response: looseObject, errors: [400, 404, 409] }),
      },
      "/api/v1/billing-runs/{id}/hold-timed-post": {
        post: postOperation({
          operationId: "holdTimedPost",
          summary: "Hold an approved run's timed post (comment required): the run stays awaiting approval and needs a new approval to post",
          tag: "Review",
          path: true,
          body: ref("SendBackBody"),
          status: 200,
          response: looseObject,
          errors: [400, 404, 409],
        }),
      },
      "/api/v1/account-holds": {
        get: getOperation({ operationId: "listAccountHolds", summary: "Account holds (active=true|false filters)", tag: "Review", parameters: queryParameters(schemaOf(listHoldsInput)), response: looseObject, errors: [400] }),
        post: postOperation({ operationId: "placeAccountHold", summary: "Put an account on hold (runs skip it; its items stay open)", tag: "Review", body: ref("PlaceHoldInput"), status: 201, response: looseObject, errors: [400, 404, 409] }),
      },
      "/api/v1/account-holds/{id}/release": {
        post: postOperation({ operationId: "releaseAccountHold", summary: "Release a hold (the next run bills the account's open items)", tag: "Review", path: true, status: 200, response: looseObject, errors: [400, 404, 409] }),
      },
      "/api/v1/audit-log": {
        get: getOperation({ operationId: "listAuditLog", summary: "The append-only audit log, newest first (keyset: beforeId)", tag: "Review", parameters: queryParameters(schemaOf(listAuditInput)), response: looseObject, errors: [400] }),
      },
      "/api/v1/billing-schedules": {
        get: getOperation({ operationId: "listBillingSchedules", summary: "Each active billing cycle with its schedule (or null), its next three runs and its last scheduled run", tag: "Billing runs", response: { type: "object", required: ["rows"], properties: { rows: { type: "array", items: ref("CycleSchedule"), description: "one entry per active billing cycle, by name" } } }, errors: [400] }),
        post: postOperation({ operationId: "saveBillingSchedule", summary: "Create or replace a cycle's schedule (admin); it starts with its next occurrence, never catching up on the past", tag: "Billing runs", body: ref("ScheduleInput"), status: 200, response: ref("CycleSchedule"), errors: [400, 404] }),
      },
      "/api/v1/billing-schedules/{id}/delete": {
        post: postOperation({ operationId: "deleteBillingSchedule", summary: "Remove a cycle's schedule (id: the billing cycle's id); its runs stay", tag: "Billing runs", path: true, status: 200, response: { type: "object", required: ["billingCycleId", "deleted"], properties: { billingCycleId: { type: "string", format: "uuid", description: "the billing cycle" }, deleted: { type: "boolean", description: "always true" } } }, errors: [400, 404] }),
      },
      "/api/v1/openapi.json": {
        get: { operationId: "getOpenApi", summary: "This document", tags: ["Webhooks"], security: [], responses: { "200": { description: "OpenAPI 3.1 document", content: json(looseObject) } } },
      },
      "/api/webhooks/billing-runs": {
        post: {
          operationId: "webhookCreateBillingRun",
          summary: "Create (and optionally process) a billing run from a signed Standard Webhooks message",
          description:
            "Signed with one of the tenant's webhook secrets (Settings) using the Standard Webhooks scheme. The timestamp must be within 5 minutes. " +
            "The same webhook-id always answers with the same run.",
          tags: ["Webhooks"],
          security: [],
          parameters: [
            { name: "tenant", in: "query", required: true, schema: { type: "string" }, description: "tenant slug or id" },
            { name: "webhook-id", in: "header", required: true, schema: { type: "string", maxLength: 255 } },
            { name: "webhook-timestamp", in: "header", required: true, schema: { type: "string", pattern: "^\\d+$" } },
            { name: "webhook-signature", in: "header", required: true, schema: { type: "string" } },
          ],
          requestBody: { required: true, content: json(ref("WebhookRunInput")) },
          responses: {
            "202": { description: "Accepted: the run (new, or the one created by an earlier delivery of this webhook-id)", content: json(ref("WebhookRunAnswer")) },
            ...errorResponses(400, 401, 413),
          },
        },
      },
    },
    webhooks: Object.fromEntries(
      WEBHOOK_EVENT_TYPES.map((type) => [
        type,
        {
          post: {
            operationId: `event_${type.replace(".", "_")}`,
            summary: `Outgoing ${type}, signed with the endpoint's secret (Standard Webhooks); retried with back-off; answer 410 to unsubscribe`,
            requestBody: { content: json(ref("WebhookEvent")) },
            responses: { "200": { description: "Any 2xx acknowledges the delivery" } },
          },
        },
      ]),
    ),
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "API key, e.g. br_live_…" } },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
          description: "Replays the stored answer for a repeated request; another request with the same key gets 422.",
        },
      },
      responses: Object.fromEntries(
        [
          [400, "Invalid input: `errors` lists each field and reason (batch rows as items.<index>.<field>)"],
          [401, "Missing, unknown or revoked API key (or, for the webhook, a bad signature or timestamp)"],
          [403, "The API key's role does not allow this"],
          [404, "Not found, or another tenant's"],
          [409, "The resource's state does not allow this now"],
          [412, "A rule blocks this (e.g. rejected invoices remain)"],
          [413, "Body too large: more than 16 MiB (after gzip decompression), a gzip body expanding more than 200 times, or a batch beyond the item rate limit's burst"],
          [415, "Body is not JSON, or its Content-Encoding is not gzip"],
          [422, "Idempotency-Key reused for another request"],
          [429, "Rate limit reached: retry after `Retry-After` seconds (see the RateLimit headers)"],
        ].map(([code, description]) => [
          `Problem${code}`,
          {
            description,
            ...(code === 429 ? { headers: rateLimitHeaderRefs(true) } : {}),
            content: { "application/problem+json": { schema: ref("Problem") } },
          },
        ]),
      ),
      headers: {
        RateLimit: {
          description: 'IETF draft RateLimit header fields: per policy, the remaining quota `r` and the seconds `t` until it is back, e.g. `"requests";r=42;t=1, "tenant-requests";r=380;t=1`; on a 429 the last member is the policy that was reached',
          schema: { type: "string" },
        },
        "RateLimit-Policy": {
          description: 'The policies that apply: quota `q` per window `w` seconds, e.g. `"requests";q=100;w=2, "tenant-requests";q=400;w=2` (per key 50 requests/s, burst 100; per tenant 200 requests/s, burst 400) and, for ingest, `"items";q=200000;w=2, "tenant-items";q=400000;w=2`',
          schema: { type: "string" },
        },
        "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer", minimum: 1 } },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status", "detail", "code", "errors"],
          properties: {
            type: { type: "string", format: "uri" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            code: { type: "string" },
            instance: { type: "string" },
            errors: {
              type: "array",
              items: { type: "object", required: ["field", "message"], properties: { field: { type: "string" }, message: { type: "string" } } },
            },
          },
        },
        UpsertAccountsInput: schemaOf(upsertAccountsInput),
        UpsertSubscriptionsInput: schemaOf(upsertSubscriptionsInput),
        ExchangeRate: schemaOf(exchangeRateInput),
        SellerIdentityInput: schemaOf(sellerIdentityInput),
        SellerIdentity: {
          type: "object",
          required: ["legalName", "addressLine", "city", "postalCode", "country", "vatId", "email", "defaultCurrency", "complete"],
          properties: {
            legalName: { type: "string", description: "BT-27 (empty until onboarding completes it)" },
            addressLine: { type: "string", description: "BT-35" },
            city: { type: "string", description: "BT-37" },
            postalCode: { type: "string", description: "BT-38" },
            country: { type: "string", description: "BT-40, ISO 3166-1 alpha-2" },
            vatId: { type: "string", description: "BT-31" },
            email: { type: ["string", "null"], description: "the seller's e-mail on invoices" },
            defaultCurrency: { type: "string", description: "the currency of new accounts" },
            complete: { type: "boolean", description: "false: billing runs are refused (412) until the identity is saved" },
          },
        },
        EinvoiceProfileInput: schemaOf(einvoiceProfileInput),
        EinvoiceProfile: {
          type: "object",
          required: ["contactName", "contactPhone", "contactEmail", "electronicAddressScheme", "electronicAddress", "vatAccountingCurrency", "defaultCurrency"],
          properties: {
            contactName: { type: ["string", "null"], description: "BT-41 seller contact point" },
            contactPhone: { type: ["string", "null"], description: "BT-42 seller contact telephone" },
            contactEmail: { type: ["string", "null"], description: "BT-43; null: the profile e-mail is used" },
            electronicAddressScheme: { type: ["string", "null"], description: "EAS code of the registered electronic address" },
            electronicAddress: { type: ["string", "null"], description: "BT-34 the seller's registered electronic address" },
            vatAccountingCurrency: { type: ["string", "null"], description: "BT-6; null: the default currency" },
            defaultCurrency: { type: "string", description: "the tenant's default currency" },
          },
        },
        TaxSettingsInput: { ...schemaOf(taxSettingsInput), examples: [{ ossRegistered: true, vatRegistrations: [{ country: "FR", vatId: "FR40303265045" }] }] },
        VatRateInput: { ...schemaOf(vatRateInput), examples: [{ country: "FR", rateType: "STANDARD", rate: "20.00", validFrom: "2027-01-01" }] },
        VatRateOverride: vatRateOverride,
        TaxSettings: {
          type: "object",
          required: ["sellerCountry", "ossRegistered", "vatRegistrations", "rateOverrides"],
          properties: {
            sellerCountry: { type: "string", description: "the seller's country (its domestic VAT)" },
            ossRegistered: { type: "boolean", description: "registered for the One-Stop-Shop" },
            vatRegistrations: {
              type: "array",
              description: "member states where the tenant is registered for VAT itself",
              items: {
                type: "object",
                required: ["country", "vatId"],
                properties: {
                  country: { type: "string", description: "ISO 3166-1 alpha-2 member state" },
                  vatId: { type: ["string", "null"], description: "the tenant's VAT id there (null: registered before VAT ids were recorded)" },
                },
              },
            },
            rateOverrides: { type: "array", description: "the tenant's own VAT rates (newest first per country and type)", items: ref("VatRateOverride") },
          },
          examples: [
            {
              sellerCountry: "DE",
              ossRegistered: true,
              vatRegistrations: [{ country: "FR", vatId: "FR40303265045" }],
              rateOverrides: [{ country: "FR", rateType: "STANDARD", rate: "20.00", validFrom: "2027-01-01", shippedRate: "20.00" }],
            },
          ],
        },
        DocumentProfileInput: schemaOf(documentProfileInput),
        LogoInput: schemaOf(logoInput),
        DocumentProfile: {
          type: "object",
          required: ["tradeRegister", "managingDirectors", "defaultLanguage", "logo"],
          properties: {
            tradeRegister: { type: ["string", "null"], description: "printed in the PDF footer" },
            managingDirectors: { type: ["string", "null"], description: "printed in the PDF footer" },
            defaultLanguage: { type: "string", enum: [...DOCUMENT_LANGUAGES], description: "the language of documents for accounts without one" },
            logo: {
              type: ["object", "null"],
              required: ["mimeType", "bytes", "dataUri"],
              properties: {
                mimeType: { type: "string", enum: ["image/png", "image/jpeg"] },
                bytes: { type: "integer", minimum: 1 },
                dataUri: { type: "string", description: "the logo as a data: URI (base64)" },
              },
            },
          },
        },
        UpsertChargesInput: schemaOf(upsertChargesInput),
        IngestRatedItemsInput: schemaOf(ingestRatedItemsInput),
        CreateRunInput: schemaOf(createRunInput),
        CancelRunBody: withoutProperty(schemaOf(cancelRunInput), "id"),
        BulkActionBody: withoutProperty(schemaOf(bulkActionInput), "runId"),
        CreateCreditNoteBody: schemaOf(createCreditNoteInput),
        CreditNoteResult: {
          type: "object",
          required: ["id", "number", "status", "netTotal", "taxTotal", "grossTotal", "correctsInvoiceId", "rebilledItems"],
          properties: {
            id: { type: "string", format: "uuid" },
            number: { type: ["string", "null"], description: "from the credit-note sequence once posted, e.g. CN-2026-000012; null for a draft" },
            status: { type: "string", enum: ["DRAFT", "POSTED"] },
            netTotal: { type: "string", description: "credited amount excl. VAT (positive decimal string)" },
            taxTotal: { type: "string", description: "credited VAT, per VAT rate as on invoices" },
            grossTotal: { type: "string" },
            correctsInvoiceId: { type: "string", format: "uuid" },
            rebilledItems: { type: "integer", description: "rated items released for the next run (correct and re-bill)" },
          },
        },
        InvoiceMemoBody: withoutProperty(schemaOf(saveInvoiceMemoInput), "id"),
        WebhookRunInput: schemaOf(webhookRunInput),
        UpsertResult: intObject(["received", "created", "updated"]),
        SaveRulesInput: schemaOf(saveRulesInput),
        ApprovalPolicy: schemaOf(approvalPolicyInput),
        ApproveBody: withoutProperty(schemaOf(approveRunInput), "id"),
        SendBackBody: withoutProperty(schemaOf(sendBackInput), "id"),
        PlaceHoldInput: schemaOf(placeHoldInput),
        ScheduleInput: {
          ...schemaOf(scheduleInput),
          description: "A billing cycle's schedule: one run per month on dayOfMonth at timeOfDay in timeZone",
          examples: [{ billingCycleId: "0b7e2f7c-3c1e-4d6f-9a51-2f0d1c8e4a10", dayOfMonth: 1, timeOfDay: "06:00", timeZone: "Europe/Berlin", cutoffOffsetDays: 0, invoiceDateOffsetDays: 0, mode: "REVIEW", enabled: true }],
        },
        CycleSchedule: {
          type: "object",
          description: "A billing cycle, its schedule and what the schedule does next",
          required: ["billingCycleId", "cycleName", "schedule", "nextRuns"],
          properties: {
            billingCycleId: { type: "string", format: "uuid", description: "the billing cycle" },
            cycleName: { type: "string", description: "the billing cycle's name" },
            schedule: {
              oneOf: [
                {
                  ...scheduleOutput,
                  description: "the schedule as saved",
                  properties: {
                    ...(scheduleOutput.properties as JsonSchema),
                    startsPeriod: { type: "string", description: "the first month (YYYY-MM) it may create a run for: never a month before it was saved or re-enabled" },
                    updatedAt: { type: "string", format: "date-time", description: "when it was last saved" },
                  },
                  required: [...((scheduleOutput.required as string[]) ?? []), "startsPeriod", "updatedAt"],
                },
                { type: "null", description: "the cycle has no schedule" },
              ],
            },
            nextRuns: {
              type: "array",
              description: "the next three runs the schedule creates (empty without a schedule or while it is disabled)",
              items: {
                type: "object",
                required: ["period", "dueAt", "runDate", "cutoffDate", "invoiceDate"],
                properties: {
                  period: { type: "string", description: "the month the run is for (YYYY-MM); one run per cycle and period" },
                  dueAt: { type: "string", format: "date-time", description: "when the run is created (UTC)" },
                  runDate: { type: "string", format: "date", description: "the local day it is created on" },
                  cutoffDate: { type: "string", format: "date", description: "the run's exclusive cut-off" },
                  invoiceDate: { type: "string", format: "date", description: "the run's invoice date" },
                },
              },
            },
            lastRun: {
              type: ["object", "null"],
              description: "the most recent run the schedule created",
              properties: {
                id: { type: "string", format: "uuid", description: "the run" },
                number: { type: "integer", description: "the run's number (BR-000042 is 42)" },
                period: { type: "string", description: "its period (YYYY-MM)" },
                status: { type: "string", description: "its status now" },
              },
            },
          },
          examples: [
            {
              billingCycleId: "0b7e2f7c-3c1e-4d6f-9a51-2f0d1c8e4a10",
              cycleName: "Monthly",
              schedule: { billingCycleId: "0b7e2f7c-3c1e-4d6f-9a51-2f0d1c8e4a10", dayOfMonth: 1, timeOfDay: "06:00", timeZone: "Europe/Berlin", cutoffOffsetDays: 0, invoiceDateOffsetDays: 0, mode: "REVIEW", enabled: true, startsPeriod: "2027-01", updatedAt: "2026-12-07T08:00:00.000Z" },
              nextRuns: [{ period: "2027-01", dueAt: "2027-01-01T05:00:00.000Z", runDate: "2027-01-01", cutoffDate: "2027-01-01", invoiceDate: "2027-01-01" }],
              lastRun: null,
            },
          ],
        },
        IngestResult: {
          ...intObject(["received", "inserted", "duplicates"]),
          properties: {
            ...(intObject(["received", "inserted", "duplicates"]).properties as JsonSchema),
            updated: { type: "integer", minimum: 0, description: "Only with onConflict=update: open items whose content was replaced" },
          },
        },
        IngestConflictProblem: {
          allOf: [ref("Problem")],
          type: "object",
          required: ["conflicts"],
          properties: {
            conflicts: {
              type: "array",
              description: "Each sent row whose externalId the tenant already has with other content (at most 100 listed)",
              items: {
                type: "object",
                required: ["index", "externalId", "fields", "stored", "sent", "state"],
                properties: {
                  index: { type: "integer", minimum: 0, description: "the row's index in the sent items" },
                  externalId: { type: "string" },
                  fields: { type: "array", items: { type: "string" }, description: "the fields whose stored and sent values differ" },
                  stored: ref("ItemContent"),
                  sent: ref("ItemContent"),
                  state: {
                    type: "string",
                    enum: ["OPEN", "CLAIMED", "BILLED", "CANCELED"],
                    description: "OPEN: not claimed by any billing run (onConflict=update replaces it); CLAIMED: claimed by a run not posted yet; BILLED: on a posted invoice; CANCELED",
                  },
                  billingRunId: { type: ["string", "null"], format: "uuid", description: "the run that claimed the item" },
                  invoiceNumber: { type: ["string", "null"], description: "the posted invoice that billed the item" },
                },
              },
            },
          },
        },
        ItemContent: {
          type: "object",
          description: "A rated item's compared content (decimal strings as stored: numeric(20,6))",
          properties: Object.fromEntries(
            ["accountExternalId", "subscriptionExternalId", "chargeCode", "description", "quantity", "unitPrice", "amount", "currency", "usageDate", "kind"].map((f) => [
              f,
              f === "subscriptionExternalId" || f === "kind" ? { type: ["string", "null"] } : { type: "string" },
            ]),
          ),
        },
        RunFailure: {
          type: "object",
          properties: {
            accountId: { type: "string", format: "uuid" },
            accountName: { type: "string" },
            subscriptionId: { type: ["string", "null"], format: "uuid" },
            subscriptionName: { type: ["string", "null"] },
            step: { type: "string", description: "the run step that failed for this account (LINES, INVOICES, POSTING)" },
            reason: { type: "string" },
            createdAt: { type: "string", format: "date-time" },
          },
        },
        Execution: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            kind: { type: "string", enum: ["LINES", "INVOICES", "POSTING", "CANCEL", "PDF", "XML", "EMAIL"] },
            status: { type: "string", enum: ["RUNNING", "SUCCEEDED", "FAILED"] },
            startedAt: { type: "string", format: "date-time" },
            endedAt: { type: ["string", "null"], format: "date-time" },
            done: { type: "integer", minimum: 0, description: "items (accounts, invoices) done so far" },
            total: { type: "integer", minimum: 0 },
            error: { type: ["string", "null"] },
            driver: { type: ["string", "null"], description: "inline or inngest" },
            logLines: { type: "integer", minimum: 0, description: "lines in the execution's log (GET …/log pages through them)" },
            secondsLeft: {
              type: ["integer", "null"],
              minimum: 0,
              description: "a running job's estimate of the seconds left, at the pace of its chunks so far; null before the first chunk is done and once the job has ended",
            },
          },
        },
        JobStarted: {
          type: "object",
          properties: { started: { type: "boolean" }, jobId: { type: "string", format: "uuid" }, kind: { type: "string" }, message: { type: "string" }, statusUrl: { type: "string", description: "the execution to poll" } },
        },
        RunDocumentsBody: withoutProperty(schemaOf(runDocumentsInput), "id"),
        RunDescriptionBody: withoutProperty(schemaOf(saveDescriptionInput), "id"),
        RunCreated: {
          type: "object",
          properties: { id: { type: "string", format: "uuid" }, number: { type: "integer" }, label: { type: "string" }, statusUrl: { type: "string" } },
        },
        ProcessResult: {
          type: "object",
          properties: {
            started: { type: "boolean" },
            jobId: { type: "string" },
            step: { type: "string" },
            status: { type: "string" },
            message: { type: "string" },
            statusUrl: { type: "string" },
          },
        },
        WebhookRunAnswer: {
          type: "object",
          properties: {
            runId: { type: "string", format: "uuid" },
            number: { type: "string" },
            status: { type: "string" },
            statusUrl: { type: "string" },
            replayed: { type: "boolean" },
            processing: { type: "object", properties: { started: { type: "boolean" }, message: { type: "string" } } },
          },
        },
        WebhookEvent: {
          type: "object",
          required: ["type", "timestamp", "data"],
          properties: { type: { type: "string", enum: [...WEBHOOK_EVENT_TYPES] }, timestamp: { type: "string", format: "date-time" }, data: looseObject },
        },
      },
    },
  };
  cached = withExamples(document);
  return cached;
}

/** POST /rated-items: the onConflict parameter, the input rules and the 409 body with the conflicting rows. */
function ingestOperation(operation: Operation): Operation {
  return {
    ...operation,
    description:
      "Strict input: `currency` is an active ISO 4217 currency (XXX, XTS, precious metals, SDR, fund codes and withdrawn codes are refused " +
      `with the reason); ${AMOUNT_TOLERANCE}; a negative zero ("-0") is stored as 0.\n\n` +
      "Re-sending an item whose externalId the tenant already has with the same content counts it in `duplicates` (idempotent). With other " +
      "content (account, subscription, charge, description, quantity, unitPrice, amount, currency, usageDate; numbers compared as numbers) " +
      "the batch is refused with 409 and nothing of it is stored: `errors` has one entry per differing field (`items.<index>.<field>`, the " +
      "stored and the sent value) and `conflicts` one per row (index, fields, stored and sent content, state). With `onConflict=update`, " +
      "items still OPEN (not claimed by any billing run) take the sent content (`updated` counts them); an item claimed by a run, billed on a " +
      "posted invoice or canceled still refuses the whole batch with 409 and its state.",
    parameters: [
      ...((operation.parameters as unknown[]) ?? []),
      {
        name: "onConflict",
        in: "query",
        required: false,
        schema: { type: "string", enum: ["reject", "update"], default: "reject" },
        description: "What to do with an item whose externalId exists with other content: `reject` (409, nothing stored) or `update` (replace open items)",
      },
    ],
    responses: {
      ...(operation.responses as Record<string, unknown>),
      "409": {
        description: "Items whose externalId exists with other content (or, with onConflict=update, items no longer open); nothing of the batch was stored",
        content: { "application/problem+json": { schema: ref("IngestConflictProblem") } },
      },
    },
  };
}

function rateLimitHeaderRefs(withRetryAfter = false) {
  return {
    RateLimit: { $ref: "#/components/headers/RateLimit" },
    "RateLimit-Policy": { $ref: "#/components/headers/RateLimit-Policy" },
    ...(withRetryAfter ? { "Retry-After": { $ref: "#/components/headers/Retry-After" } } : {}),
  };
}

function intObject(names: string[]): JsonSchema {
  return { type: "object", required: names, properties: Object.fromEntries(names.map((n) => [n, { type: "integer", minimum: 0 }])) };
}
