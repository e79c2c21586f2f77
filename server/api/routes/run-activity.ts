import type { z } from "zod";
import { runIdInput, saveDescriptionInput, saveRunMemoInput } from "@/lib/billing-inputs";
import { executionLogInput, executionLogPage, getExecution, listExecutionSummaries, listFailuresPage, runExecutionInput, runFailuresInput } from "@/server/billing/run-activity";
import { saveRunMemo } from "@/server/billing/run-memo";
import { retryFailedAccounts, runFormOptions, saveRunDescription } from "@/server/billing/runs";
import { runStatistics } from "@/server/billing/statistics";
import { streamRunDocumentsZip } from "@/server/documents/run-documents-zip";
import { runDocumentsInput, runZipQuery, startRunDocuments } from "@/server/documents/run-documents";
import { notFound } from "@/server/errors";
import { startInvoiceEmails } from "@/server/notifications/invoice-emails";
import { apiEndpoint } from "../endpoint";
import { queryToInput } from "../query";

// /api/v1/billing-runs/{id}/…: the run page's other capabilities (failed accounts, Retry failed, executions and their
// logs, statistics, document jobs, the ZIP, e-mails, the description), over the services tRPC calls.

const runUrl = (id: string) => `/api/v1/billing-runs/${id}`;
const idOf = (params: Record<string, string>) => runIdInput.parse({ id: params.id }).id;
const paging = { numbers: ["page", "pageSize"] };

export const getRunOptions = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await runFormOptions(db, tenantId) }),
});

export const listRunFailures = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, url, params }) => {
    const query = queryToInput(url, { allowed: ["page", "pageSize"], ...paging });
    return { status: 200, body: await listFailuresPage(db, tenantId, { ...query, id: params.id } as z.input<typeof runFailuresInput>) };
  },
});

/** Retry failed: a new exceptional run for the failed accounts; 201 with its Location. */
export const retryRunFailures = apiEndpoint({
  permission: "operate",
  handle: async ({ db, tenantId, actor, params }) => {
    const run = await retryFailedAccounts(db, tenantId, idOf(params), actor);
    return { status: 201, body: { ...run, statusUrl: runUrl(run.id) }, headers: { Location: runUrl(run.id) } };
  },
});

export const listRunExecutions = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => ({ status: 200, body: { rows: await listExecutionSummaries(db, tenantId, idOf(params)) } }),
});

export const getRunExecution = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => ({
    status: 200,
    body: await getExecution(db, tenantId, { id: params.id, executionId: params.executionId } as z.input<typeof runExecutionInput>),
  }),
});

export const getRunExecutionLog = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, url, params }) => {
    const query = queryToInput(url, { allowed: ["page", "pageSize"], ...paging });
    const input = { ...query, id: params.id, executionId: params.executionId } as z.input<typeof executionLogInput>;
    return { status: 200, body: await executionLogPage(db, tenantId, input) };
  },
});

export const getRunStatistics = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => ({ status: 200, body: await runStatistics(db, tenantId, idOf(params)) }),
});

/** Generate PDF / XML documents: a background job; 202 with the execution to poll. */
export const startRunDocumentJob = apiEndpoint({
  permission: "operate",
  body: runDocumentsInput.omit({ id: true }),
  handle: async ({ db, tenantId, actor, params, body }) => {
    const input = runDocumentsInput.parse({ ...body, id: params.id });
    const job = await startRunDocuments(db, tenantId, actor, input);
    const statusUrl = `${runUrl(input.id)}/executions/${job.jobId}`;
    return { status: 202, body: { ...job, statusUrl }, headers: { Location: statusUrl } };
  },
});

export const startRunEmails = apiEndpoint({
  permission: "operate",
  handle: async ({ db, tenantId, actor, params }) => {
    const id = idOf(params);
    const job = await startInvoiceEmails(db, tenantId, actor, { id });
    const statusUrl = `${runUrl(id)}/executions/${job.jobId}`;
    return { status: 202, body: { ...job, statusUrl }, headers: { Location: statusUrl } };
  },
});

export const saveRunDescriptionEndpoint = apiEndpoint({
  permission: "operate",
  body: saveDescriptionInput.omit({ id: true }),
  handle: async ({ db, tenantId, actor, params, body }) => ({
    status: 200,
    body: await saveRunDescription(db, tenantId, saveDescriptionInput.parse({ ...body, id: params.id }), actor),
  }),
});

/** POST /api/v1/billing-runs/{id}/memo: the memo printed on all the run's documents, until posting (409 after). */
export const saveRunMemoEndpoint = apiEndpoint({
  permission: "operate",
  body: saveRunMemoInput.omit({ id: true }),
  handle: async ({ db, tenantId, actor, params, body }) => ({
    status: 200,
    body: await saveRunMemo(db, tenantId, saveRunMemoInput.parse({ ...body, id: params.id }), actor),
  }),
});

/** The run's stored documents as one streamed ZIP (?kind=PDF|XML); 412 when none were generated yet. */
export const getRunDocumentsZip = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, url, params }) => {
    const { kind } = runZipQuery.parse(queryToInput(url, { allowed: ["kind"] }));
    const zip = await streamRunDocumentsZip(db, tenantId, idOf(params), kind);
    if (!zip) throw notFound("Billing run");
    return new Response(zip.stream, {
      headers: {
        "Content-Type": "application/zip",
        "Content-Disposition": `attachment; filename="${zip.fileName.replace(/"/g, "")}"`,
        "Cache-Control": "private, no-store",
      },
    });
  },
});
